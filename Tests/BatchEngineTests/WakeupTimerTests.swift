import BatchCore
import BatchTesting
import Synchronization
import Testing

@testable import BatchEngine

@Suite("WakeupTimer")
struct WakeupTimerTests {
    @Test("re-armed only for an earlier deadline; ticks once, at the earliest one")
    func earliestDeadline() async throws {
        let clock = ManualClock()
        let ticks = Atomic<Int>(0)
        let post: @Sendable () -> Void = { ticks.add(1, ordering: .relaxed) }
        let start = clock.now
        var timer = WakeupTimer()
        timer.arm(at: start.advanced(by: .seconds(10)), clock: clock, post: post)
        try #require(await clock.waitUntil { clock.deadlines == [start.advanced(by: .seconds(10))] })
        timer.arm(at: start.advanced(by: .seconds(20)), clock: clock, post: post)
        await Task.yield()
        #expect(clock.deadlines == [start.advanced(by: .seconds(10))], "a later deadline makes no timer")
        timer.arm(at: start.advanced(by: .seconds(5)), clock: clock, post: post)
        // The 10 s timer was cancelled for the 5 s one.
        try #require(await clock.waitUntil { clock.deadlines == [start.advanced(by: .seconds(5))] })
        clock.advance(by: .seconds(5))
        #expect(await clock.waitUntil { ticks.load(ordering: .relaxed) == 1 })
        #expect(clock.sleeperCount == 0)
        timer.fired(now: clock.now)
        timer.arm(at: clock.now.advanced(by: .seconds(1)), clock: clock, post: post)
        #expect(
            await clock.waitUntil { clock.sleeperCount == 1 }, "after its tick, the next arm makes a timer")
        timer.cancel()
        #expect(await clock.waitUntil { clock.sleeperCount == 0 })
        #expect(ticks.load(ordering: .relaxed) == 1, "a cancelled timer does not tick")
    }

    @Test("a tick from elsewhere before the deadline keeps the sleeping timer, and no second one is made")
    func earlyTickKeepsTheTimer() async throws {
        let clock = ManualClock()
        let post: @Sendable () -> Void = {}
        let deadline = clock.now.advanced(by: .seconds(10))
        var timer = WakeupTimer()
        timer.arm(at: deadline, clock: clock, post: post)
        try #require(await clock.waitUntil { clock.sleeperCount == 1 })
        // Say a lane freed a slot: the loop ticks at once and arms again for the same deadline.
        timer.fired(now: clock.now)
        timer.arm(at: deadline, clock: clock, post: post)
        await Task.yield()
        #expect(clock.deadlines == [deadline], "still one timer: none was left sleeping behind")
        timer.cancel()
        #expect(await clock.waitUntil { clock.sleeperCount == 0 })
    }
}
