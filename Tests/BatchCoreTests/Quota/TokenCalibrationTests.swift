import BatchCore
import Testing

@Suite("Token calibration")
struct TokenCalibrationTests {
    /// The table in ``TokenCalibration``'s documentation: estimated, reported, the factor, and what
    /// a request estimated at 22 tokens is charged.
    static let table: [(Int, Int, Double, Int)] = [
        (1_500, 1_400, 1, 22),
        (44_000, 41_000, 41_000.0 / 44_000.0, 21),
        (44_000, 48_000, 1, 22),
        (44_000, 10_000, 0.5, 11),
    ]

    @Test("the factor is reported over estimated, 1 before enough evidence, within 0.5...1", arguments: table)
    func factor(estimated: Int, reported: Int, factor: Double, charged: Int) {
        var calibration = TokenCalibration()
        calibration.record(estimated: estimated, reported: reported)
        #expect(abs(calibration.factor - factor) < 1e-12)
        #expect(calibration.charge(22) == charged)
    }

    @Test("a cost of 0 stays 0 and any other is charged at least 1")
    func smallCosts() {
        var calibration = TokenCalibration()
        calibration.record(estimated: 10_000, reported: 1)
        #expect(calibration.charge(0) == 0)
        #expect(calibration.charge(1) == 1)
        #expect(calibration.charge(3) == 2)
    }

    @Test("after distrust, estimates are charged as they are, whatever is reported later")
    func distrust() {
        var calibration = TokenCalibration()
        calibration.record(estimated: 10_000, reported: 8_000)
        #expect(calibration.charge(100) == 80)
        calibration.distrust()
        calibration.record(estimated: 10_000, reported: 1_000)
        #expect(calibration.factor == 1)
        #expect(calibration.charge(100) == 100)
    }

    @Test("a lane bound by tokens starts what the calibrated charge allows; a quota 429 ends it")
    func laneCharges() {
        let start = Timestamp(milliseconds: 9_000_000)
        func started(_ quota: inout LaneQuota) -> Int {
            var count = 0
            while quota.tryStart(tenant: 1, cost: 100, now: start) { count += 1 }
            return count
        }
        let settings = LaneSettings(concurrency: 1_000, tpm: 60_000)
        var plain = LaneQuota(settings: settings, now: start)
        plain.join(tenant: 1, weight: 1)
        let plainCount = started(&plain)
        #expect(plainCount > 0)

        var calibrated = LaneQuota(settings: settings, now: start)
        calibrated.join(tenant: 1, weight: 1)
        calibrated.reported(estimated: 4_000, promptTokens: 2_000)
        // A bucket holding C tokens starts floor(C / 100) at full charge, floor(C / 50) at half.
        #expect((2 * plainCount)...(2 * plainCount + 1) ~= started(&calibrated))

        _ = calibrated.answeredThrottled(
            ThrottleSignal(headers: RateLimitHeaders(remainingTokens: 0)), cost: 100,
            until: start.advanced(by: .seconds(1)), now: start)
        #expect(calibrated.calibration.trusted == false)
        #expect(calibrated.calibration.charge(100) == 100)
    }
}
