import BatchCore

/// One source's current token, shared by every request of every job of the process that
/// authenticates the same way (``TokenCaches``).
///
/// The thin shell around ``TokenRefreshState``: it asks the state what to do, runs the one fetch
/// the state allows in a task of its own (so that a cancelled request never cancels the fetch
/// others wait for), and hands its outcome to every waiting request. Time comes from the injected
/// clock; nothing here sleeps: refreshes start when a request finds its token due. A request
/// cancelled while it waits for a fetch throws `CancellationError` at once.
public actor TokenCache {
    public nonisolated let source: any TokenSource
    private let clock: any BatchClock
    private var state = TokenRefreshState()
    private var waiters: [Int: CheckedContinuation<AccessToken, any Error>] = [:]
    private var nextWaiter = 0
    /// Fetches started so far (each a request to the token endpoint, or a run of the command).
    public private(set) var fetches = 0

    /// Whether a fetch is running now.
    public var isFetching: Bool { state.fetching }

    public init(source: any TokenSource, clock: any BatchClock) {
        self.source = source
        self.clock = clock
    }

    /// A token to send now: the one held while it is usable, else the outcome of the fetch in
    /// progress (or of the one this call starts). Throws the fetch's ``TokenFailure``.
    public func token() async throws -> AccessToken {
        switch state.requested(now: clock.now) {
        case .use(let token):
            return token
        case .useAndFetch(let token):
            startFetch()
            return token
        case .fetchAndWait:
            startFetch()
            return try await wait()
        case .wait:
            return try await wait()
        }
    }

    /// The endpoint refused `token` (a 401): the next request fetches a new one, unless the
    /// token held is newer already.
    public func rejected(_ token: String) {
        state.rejected(token)
    }

    /// Waits for the fetch running; a cancelled caller stops waiting at once (the fetch goes on
    /// for the others).
    private func wait() async throws -> AccessToken {
        let id = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    /// Requests waiting for the fetch running now.
    public var waiting: Int { waiters.count }

    private func startFetch() {
        fetches += 1
        let source = source
        Task {
            let result: Result<AccessToken, TokenFailure>
            do throws(TokenFailure) {
                result = .success(try await source.fetchToken())
            } catch {
                result = .failure(error)
            }
            self.finish(result)
        }
    }

    private func finish(_ result: Result<AccessToken, TokenFailure>) {
        let now = clock.now
        switch result {
        case .success(let token): state.fetchSucceeded(token, now: now)
        case .failure: state.fetchFailed(now: now)
        }
        let waiting = waiters.values
        waiters = [:]
        for waiter in waiting { waiter.resume(with: result.mapError { $0 as any Error }) }
    }
}
