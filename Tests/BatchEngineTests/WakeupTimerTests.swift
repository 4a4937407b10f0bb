import BatchCore
import BatchTesting
import Synchronization
import Testing

@testable import BatchEngine

@Suite("WakeupTimer")
struct WakeupTimerTests {
    /// Hands out `post` closures and sees which of them are still held, and which posted.
    ///
    /// A timer's task is the only thing that keeps its `post` closure: a closure the timer did not
    /// give to a task is released when `arm` returns, and a task's closure when that task ends. So
    /// ``held`` counts the timer tasks alive without waiting for anything (a task that has not
    /// started yet holds its closure too), and once it is 0 no task is left that could post.
    final class Posts: Sendable {
        private let state = Mutex((held: 0, posted: [String]()))

        var held: Int { state.withLock { $0.held } }
        var posted: [String] { state.withLock { $0.posted } }

        /// A `post` closure that records `name` when it runs.
        func make(_ name: String) -> @Sendable () -> Void {
            let token = Token(name, posts: self)
            return { token.post() }
        }

        fileprivate func update(_ body: (inout (held: Int, posted: [String])) -> Void) {
            state.withLock { body(&$0) }
        }
    }

    /// Counted as held from its creation to its release.
    final class Token: Sendable {
        let name: String
        let posts: Posts

        init(_ name: String, posts: Posts) {
            self.name = name
            self.posts = posts
            posts.update { $0.held += 1 }
        }

        deinit { posts.update { $0.held -= 1 } }

        func post() { posts.update { $0.posted.append(name) } }
    }

    @Test("re-armed only for an earlier deadline; ticks once, at the earliest one")
    func earliestDeadline() async throws {
        let clock = ManualClock()
        let posts = Posts()
        let start = clock.now
        var timer = WakeupTimer()
        timer.arm(at: start.advanced(by: .seconds(10)), clock: clock, post: posts.make("10 s"))
        try #require(await clock.waitUntil { clock.deadlines == [start.advanced(by: .seconds(10))] })
        #expect(posts.held == 1)

        timer.arm(at: start.advanced(by: .seconds(20)), clock: clock, post: posts.make("20 s"))
        // No wait: a task made for the 20 s deadline would hold its closure from this moment on,
        // started or not; and cancelling the 10 s timer removes its sleeper at once.
        #expect(posts.held == 1, "a later deadline makes no timer")
        #expect(clock.deadlines == [start.advanced(by: .seconds(10))], "and keeps the earlier one")

        timer.arm(at: start.advanced(by: .seconds(5)), clock: clock, post: posts.make("5 s"))
        // The 10 s timer was cancelled for the 5 s one, and its task has ended.
        try #require(
            await clock.waitUntil { clock.deadlines == [start.advanced(by: .seconds(5))] && posts.held == 1 })
        clock.advance(by: .seconds(5))
        #expect(await clock.waitUntil { posts.held == 0 }, "the 5 s timer's task ends once it ticked")
        #expect(posts.posted == ["5 s"])
        #expect(clock.sleeperCount == 0)

        timer.fired(now: clock.now)
        timer.arm(at: clock.now.advanced(by: .seconds(1)), clock: clock, post: posts.make("after"))
        #expect(posts.held == 1, "after its tick, the next arm makes a timer")
        #expect(await clock.waitUntil { clock.sleeperCount == 1 })
        timer.cancel()
        #expect(await clock.waitUntil { posts.held == 0 && clock.sleeperCount == 0 })
        // Every task the timer made has ended: nothing can post any more.
        #expect(posts.posted == ["5 s"], "cancelled and replaced timers do not tick")
    }

    @Test("a tick from elsewhere before the deadline keeps the sleeping timer, and no second one is made")
    func earlyTickKeepsTheTimer() async throws {
        let clock = ManualClock()
        let posts = Posts()
        let deadline = clock.now.advanced(by: .seconds(10))
        var timer = WakeupTimer()
        timer.arm(at: deadline, clock: clock, post: posts.make("first"))
        try #require(await clock.waitUntil { clock.sleeperCount == 1 })
        // Say a lane freed a slot: the loop ticks at once and arms again for the same deadline.
        timer.fired(now: clock.now)
        timer.arm(at: deadline, clock: clock, post: posts.make("second"))
        #expect(posts.held == 1, "still one timer: none was left sleeping behind")
        #expect(clock.deadlines == [deadline])
        timer.cancel()
        #expect(await clock.waitUntil { posts.held == 0 && clock.sleeperCount == 0 })
        #expect(posts.posted.isEmpty)
    }

    @Test("once its deadline passed, the timer is forgotten: the next arm makes a new one")
    func firedAfterTheDeadline() async throws {
        let clock = ManualClock()
        let posts = Posts()
        let deadline = clock.now.advanced(by: .seconds(2))
        var timer = WakeupTimer()
        timer.arm(at: deadline, clock: clock, post: posts.make("first"))
        try #require(await clock.waitUntil { clock.sleeperCount == 1 })
        clock.advance(to: deadline)
        #expect(await clock.waitUntil { posts.held == 0 })
        timer.fired(now: clock.now)
        // A later deadline than the one that passed: it must still make a timer.
        timer.arm(at: deadline.advanced(by: .seconds(10)), clock: clock, post: posts.make("second"))
        #expect(posts.held == 1)
        clock.advance(by: .seconds(10))
        #expect(await clock.waitUntil { posts.held == 0 })
        #expect(posts.posted == ["first", "second"])
    }
}
