import BatchCore
import Testing

@Suite("sliding rate")
struct SlidingRateTests {
    static func at(_ seconds: Int64) -> Timestamp { Timestamp(milliseconds: seconds * 1000) }

    @Test("growth per second over the window; nothing before two samples")
    func rate() {
        var rate = SlidingRate(window: .seconds(30))
        #expect(rate.perSecond == nil)
        rate.add(0, at: Self.at(0))
        #expect(rate.perSecond == nil)
        rate.add(50, at: Self.at(10))
        #expect(rate.perSecond == 5)
    }

    @Test("older samples leave the window: the rate follows the last 30 s")
    func window() {
        var rate = SlidingRate(window: .seconds(30))
        rate.add(0, at: Self.at(0))
        rate.add(1000, at: Self.at(10))  // a burst of 100/s
        rate.add(1000, at: Self.at(40))
        rate.add(1100, at: Self.at(50))
        // The burst ended 40 s ago: 100 more over the last 40 s of samples inside the window.
        #expect(rate.perSecond == 100.0 / 40.0)
        rate.add(1400, at: Self.at(90))
        #expect(
            rate.perSecond == 300.0 / 40.0, "from the newest sample at or before the window's start (50 s)")
        rate.add(1400, at: Self.at(130))
        #expect(rate.perSecond == 0, "nothing in the last 40 s")
    }
}
