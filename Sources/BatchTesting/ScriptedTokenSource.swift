import BatchCore
import BatchTransport
import Synchronization

/// A ``TokenSource`` whose tokens come from a closure, counting its fetches; with `gated`, each
/// fetch waits until ``release()`` so that a test can pile requests up behind it.
public final class ScriptedTokenSource: TokenSource {
    public typealias Script = @Sendable (_ fetch: Int) throws(TokenFailure) -> AccessToken

    public let name: String
    public let cacheKey: TokenCacheKey
    private let script: Script
    private let state: Mutex<State>

    private struct State {
        var fetches = 0
        var gated: Bool
        var parked: [CheckedContinuation<Void, Never>] = []
    }

    public init(name: String = "scripted", gated: Bool = false, _ script: @escaping Script) {
        self.name = name
        self.cacheKey = TokenCacheKey(source: name, identity: "test", scope: "test/.default")
        self.script = script
        self.state = Mutex(State(gated: gated))
    }

    /// A source whose fetch number `n` (from 1) gives the token `token-n`, living `life` from
    /// `clock`'s now.
    public convenience init(
        name: String = "scripted", gated: Bool = false, clock: any BatchClock, life: Duration
    ) {
        self.init(name: name, gated: gated) { fetch in
            AccessToken(value: "token-\(fetch)", expiresOn: clock.now.advanced(by: life))
        }
    }

    /// Fetches started so far.
    public var fetches: Int { state.withLock { $0.fetches } }

    /// Fetches waiting for ``release()``.
    public var waiting: Int { state.withLock { $0.parked.count } }

    /// Lets the waiting fetches go on, and every later one too.
    public func release() {
        let parked = state.withLock { state in
            state.gated = false
            defer { state.parked = [] }
            return state.parked
        }
        for continuation in parked { continuation.resume() }
    }

    /// Makes later fetches wait for ``release()`` again.
    public func gate() {
        state.withLock { $0.gated = true }
    }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        let number = state.withLock { state in
            state.fetches += 1
            return state.fetches
        }
        await withCheckedContinuation { continuation in
            let wait = state.withLock { state in
                if state.gated { state.parked.append(continuation) }
                return state.gated
            }
            if !wait { continuation.resume() }
        }
        return try script(number)
    }
}
