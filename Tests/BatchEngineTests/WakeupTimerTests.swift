import BatchCore
import BatchTesting
import Synchronization
import Testing

@testable import BatchEngine

@Suite("WakeupTimer")
struct WakeupTimerTests {
    @Test("re-armed only for an earlier deadline; ticks once at the earliest one")
    func earliestDeadline() async throws {
        let clock = ManualClock()
        let ticks = Atomic<Int>(0)
        let post: @Sendable () -> Void = { ticks.add(1, ordering: .relaxed) }
        let start = clock.now
        var timer = WakeupTimer()
        timer.arm(at: start.advanced(by: .seconds(10)), clock: clock, post: post)
        try #require(await clock.waitUntil { clock.deadlines == [start.advanced(by: .seconds(10))] })
        timer.arm(at: start.advanced(by: .seconds(20)), clock: clock, post: post)
        timer.arm(at: start.advanced(by: .seconds(5)), clock: clock, post: post)
        // The 10 s timer was cancelled for the 5 s one; the 20 s deadline never made a timer.
        try #require(await clock.waitUntil { clock.deadlines == [start.advanced(by: .seconds(5))] })
        clock.advance(by: .seconds(5))
        #expect(await clock.waitUntil { ticks.load(ordering: .relaxed) == 1 })
        clock.advance(by: .seconds(20))
        #expect(await clock.waitUntil { clock.sleeperCount == 0 })
        #expect(ticks.load(ordering: .relaxed) == 1, "the cancelled and never-made timers did not tick")
        timer.fired()
        timer.arm(at: clock.now.advanced(by: .seconds(1)), clock: clock, post: post)
        #expect(await clock.waitUntil { clock.sleeperCount == 1 }, "after a tick, the next arm makes a timer")
        timer.cancel()
        #expect(await clock.waitUntil { clock.sleeperCount == 0 })
        #expect(ticks.load(ordering: .relaxed) == 1)
    }
}
