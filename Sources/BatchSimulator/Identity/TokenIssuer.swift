import Foundation

/// The tokens the simulator issued, and when each expires (wall-clock time).
final class TokenIssuer: Sendable {
    private let tokens = Locked([String: Date]())
    private let stats = Locked(IdentityStats())
    let lifetime: Duration

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    var snapshot: IdentityStats { stats.withLock { $0 } }

    func countTokenRequest() { stats.withLock { $0.tokenRequests += 1 } }
    func countUnauthorized() { stats.withLock { $0.unauthorized += 1 } }

    /// A new token and its expiry.
    func issue() -> (token: String, expiresOn: Date) {
        let token = "sim-eyJ." + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let expiry = Date().addingTimeInterval(Double(lifetime.components.seconds))
        tokens.withLock { $0[token] = expiry }
        stats.withLock { $0.tokensIssued += 1 }
        return (token, expiry)
    }

    /// Whether `token` was issued here and has not expired.
    func isValid(_ token: String) -> Bool {
        tokens.withLock { $0[token] }.map { $0 > Date() } ?? false
    }

    /// Expires every token issued so far (as if their lifetimes had all ended now).
    func expireAll() {
        tokens.withLock { tokens in
            for key in tokens.keys { tokens[key] = .distantPast }
        }
    }
}
