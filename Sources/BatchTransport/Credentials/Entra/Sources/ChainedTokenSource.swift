import Synchronization

/// Sources tried in order until one gives a token, as `DefaultAzureCredential` does: a source that
/// does not apply here (``TokenFailure/Kind/unavailable``) passes to the next; any other failure
/// ends the chain with that failure (a wrong secret is reported, not hidden behind the next
/// source). The first source that gives a token is kept for every later fetch.
///
/// When every source is unavailable, the failure lists what each said, in order.
public final class ChainedTokenSource: TokenSource {
    public let name = "entra"
    public let sources: [any TokenSource]
    public let scope: String
    private let chosen = Mutex<Int?>(nil)

    public init(sources: [any TokenSource], scope: String) {
        self.sources = sources
        self.scope = scope
    }

    public var cacheKey: TokenCacheKey {
        TokenCacheKey(
            source: name, identity: sources.map(\.cacheKey.description).joined(separator: ", "), scope: scope)
    }

    /// The source that gave the last token, once one has.
    public var chosenSource: (any TokenSource)? { chosen.withLock { $0 }.map { sources[$0] } }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        if let index = chosen.withLock({ $0 }) { return try await sources[index].fetchToken() }
        var unavailable: [String] = []
        for (index, source) in sources.enumerated() {
            do {
                let token = try await source.fetchToken()
                chosen.withLock { $0 = index }
                return token
            } catch  where error.kind == .unavailable {
                unavailable.append(error.description)
            }
        }
        throw TokenFailure(
            kind: .unavailable, source: name,
            message: "no credential source applies here: "
                + (unavailable.isEmpty ? "none is configured" : unavailable.joined(separator: "; ")))
    }
}
