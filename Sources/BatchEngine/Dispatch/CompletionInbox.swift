import Synchronization

/// Finished sends waiting for the dispatch loop.
///
/// Each send's task drops its result here; only the first result after the loop last emptied the
/// inbox posts a ``RunEvent/completions`` event. So when answers arrive faster than the loop runs,
/// one wakeup hands the loop all of them, instead of one event (and one trip through the loop) per
/// answer. Results come out in the order they were delivered.
final class CompletionInbox: Sendable {
    typealias Completion = (item: DispatchItem, result: RequestSender.Result)

    private struct State {
        var waiting: [Completion] = []
        /// Whether a `.completions` event was posted that the loop has not answered yet.
        var posted = false
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
            defer { state.posted = true }
            return !state.posted
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
