import Synchronization

/// Finished sends waiting for the dispatch loop.
///
/// Each send's task drops its result here; only the first result after the loop last emptied the
/// inbox posts a ``RunEvent/completions`` event. So when answers arrive faster than the loop runs,
/// one wakeup hands the loop all of them, instead of one event (and one trip through the loop) per
/// answer. Results come out in the order they were delivered.
///
/// While the loop holds it ``quiet`` (sending is paced: answers free slots nobody waits for, see
/// ``DispatchState/answersMayWait(now:within:)``), a delivery posts nothing: the loop takes the
/// answers at its next budget wakeup, one trip for all of them instead of one per answer.
final class CompletionInbox: Sendable {
    typealias Completion = (item: DispatchItem, result: RequestSender.Result)

    private struct State {
        var waiting: [Completion] = []
        /// Whether a `.completions` event was posted that the loop has not answered yet.
        var posted = false
        /// Whether deliveries wait for the loop's own wakeup.
        var quiet = false
    }

    private let state = Mutex(State())
    private let wake: @Sendable () -> Void

    /// `wake` posts the loop's `.completions` event.
    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    /// Hands one finished send to the loop.
    func deliver(_ item: DispatchItem, _ result: RequestSender.Result) {
        let post = state.withLock { state in
            state.waiting.append((item, result))
            guard !state.posted, !state.quiet else { return false }
            state.posted = true
            return true
        }
        if post { wake() }
    }

    /// Holds deliveries for the loop's next wakeup (`true`), or lets each first one post again
    /// (`false`; answers that waited meanwhile post at once).
    func setQuiet(_ quiet: Bool) {
        let post = state.withLock { state in
            state.quiet = quiet
            guard !quiet, !state.posted, !state.waiting.isEmpty else { return false }
            state.posted = true
            return true
        }
        if post { wake() }
    }

    /// Everything delivered so far, oldest first. A delivery after this posts a new event.
    func takeAll() -> [Completion] {
        state.withLock { state in
            state.posted = false
            defer { state.waiting.removeAll(keepingCapacity: true) }
            return state.waiting
        }
    }
}
