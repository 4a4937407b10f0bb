import Testing

@testable import BatchSimulator

@Suite("Server models")
struct ServerModelTests {
    static let ms: UInt64 = 1_000_000

    /// The worked examples in the doc comment of `ServiceSchedule`.
    @Test("a plateauing server queues beyond its slots; a batching one slows with its batch")
    func workedExamples() {
        var plateau = ServiceSchedule(model: .plateau(slots: 2), latency: .milliseconds(100))
        #expect(
            (0..<4).map { _ in plateau.admit(now: 0) } == [100, 100, 200, 200].map { Int64($0 * Self.ms) })
        var batching = ServiceSchedule(
            model: .batching(perRequest: .milliseconds(10), maxBatch: 4), latency: .milliseconds(20))
        #expect((0..<3).map { _ in batching.admit(now: 0) } == [30, 40, 50].map { Int64($0 * Self.ms) })
        var fixed = ServiceSchedule(model: .fixed, latency: .milliseconds(7))
        #expect(fixed.admit(now: 0) == Int64(7 * Self.ms))
    }

    @Test("served requests free their slots; a batching server's throughput rises with concurrency")
    func throughput() {
        var plateau = ServiceSchedule(model: .plateau(slots: 2), latency: .milliseconds(100))
        _ = plateau.admit(now: 0)
        _ = plateau.admit(now: 0)
        #expect(plateau.admit(now: 100 * Self.ms) == Int64(100 * Self.ms), "both slots free again")
        // c requests kept in flight for a second: answers per second at each concurrency.
        func served(_ concurrency: Int) -> Int {
            var schedule = ServiceSchedule(
                model: .batching(perRequest: .milliseconds(2), maxBatch: 64), latency: .milliseconds(20))
            var ends = (0..<concurrency).map { _ in UInt64(schedule.admit(now: 0)) }
            var count = 0
            while let next = ends.min(), next <= 1000 * Self.ms {
                ends.remove(at: ends.firstIndex(of: next)!)
                ends.append(next + UInt64(schedule.admit(now: next)))
                count += 1
            }
            return count
        }
        let (one, eight, sixtyFour) = (served(1), served(8), served(64))
        #expect(one < eight && eight < sixtyFour, "\(one), \(eight), \(sixtyFour)")
        #expect(abs(sixtyFour - 432) < 40, "64 / (20 + 2 × 64) ms ≈ 432/s, got \(sixtyFour)")
    }
}
