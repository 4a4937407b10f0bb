import BatchCore

/// The refresh decisions of one token cache, as a state machine with no I/O and no clock: the
/// ``TokenCache`` actor feeds it events with the time and carries out what it returns.
///
/// Guarantees:
/// - at most one fetch runs at a time (single flight): a request that finds one running either
///   uses the token still valid or waits for the fetch, never starts another;
/// - a token is used until ``usableUntil(_:receivedAt:)`` and refreshed from
///   ``refreshTime(_:receivedAt:)`` on, in the background: requests keep using it meanwhile;
/// - a failed background refresh is tried again ``retryDelay`` later at the earliest (the token
///   still serves); a failed fetch with no usable token fails every request waiting for it;
/// - a token the endpoint refused (a 401) is dropped once: the requests that were sent with it
///   and come back refused afterwards find the new token (or its fetch) and start nothing more.
public struct TokenRefreshState: Sendable {
    /// The earliest a failed background refresh is tried again.
    public static let retryDelay: Duration = .seconds(30)

    struct Held: Sendable {
        var token: AccessToken
        var refreshAt: Timestamp
        var usableUntil: Timestamp
    }

    private(set) var held: Held?
    /// Whether a fetch is running.
    public private(set) var fetching = false
    private var retryNotBefore: Timestamp?

    public init() {}

    /// What a request for a token must do.
    public enum RequestAction: Sendable, Equatable {
        /// Use this token.
        case use(AccessToken)
        /// Use this token, and start a fetch in the background (it is due for refresh).
        case useAndFetch(AccessToken)
        /// Start a fetch and wait for it: there is no usable token.
        case fetchAndWait
        /// Wait for the fetch that is running.
        case wait
    }

    /// A request wants a token at `now`.
    public mutating func requested(now: Timestamp) -> RequestAction {
        if let held, now < held.usableUntil {
            let retryAllowed = retryNotBefore.map { now >= $0 } ?? true
            if now >= held.refreshAt, !fetching, retryAllowed {
                fetching = true
                return .useAndFetch(held.token)
            }
            return .use(held.token)
        }
        if fetching { return .wait }
        fetching = true
        return .fetchAndWait
    }

    /// The fetch gave `token`, received at `now`: every waiting request gets it.
    public mutating func fetchSucceeded(_ token: AccessToken, now: Timestamp) {
        fetching = false
        retryNotBefore = nil
        held = Held(
            token: token, refreshAt: Self.refreshTime(token, receivedAt: now),
            usableUntil: Self.usableUntil(token, receivedAt: now))
    }

    /// The fetch failed at `now`: every waiting request fails with its error. A token still
    /// usable keeps serving, and the refresh is tried again after ``retryDelay``.
    public mutating func fetchFailed(now: Timestamp) {
        fetching = false
        if let held, now < held.usableUntil {
            retryNotBefore = now.advanced(by: Self.retryDelay)
        } else {
            held = nil
        }
    }

    /// The endpoint refused a request sent with `token`: drops it when it is still the one held,
    /// so that the next request fetches a new one. A refusal of an older token changes nothing.
    public mutating func rejected(_ token: String) {
        if held?.token.value == token {
            held = nil
            retryNotBefore = nil
        }
    }

    /// When a token received at `receivedAt` is due for refresh: at the earlier of 5 minutes
    /// before it expires and half its life, but never before a quarter of its life (a token that
    /// lives 5 minutes or less would otherwise be refreshed on every request).
    ///
    /// | life | 5 min before expiry | half the life | refreshed after |
    /// |---|---|---|---|
    /// | 24 h | 23 h 55 min | 12 h | 12 h |
    /// | 1 h | 55 min | 30 min | 30 min |
    /// | 8 min | 3 min | 4 min | 3 min |
    /// | 60 s | (before it was issued) | 30 s | 15 s (a quarter) |
    public static func refreshTime(_ token: AccessToken, receivedAt: Timestamp) -> Timestamp {
        let life = max(0, token.expiresOn.milliseconds - receivedAt.milliseconds)
        let refreshIn = max(life / 4, min(life - 300_000, life / 2))
        return Timestamp(milliseconds: receivedAt.milliseconds + refreshIn)
    }

    /// Until when a token received at `receivedAt` is sent: its expiry less a margin (a tenth of
    /// its life, at most 30 s) so that no request leaves with a token about to expire on the way.
    public static func usableUntil(_ token: AccessToken, receivedAt: Timestamp) -> Timestamp {
        let life = max(0, token.expiresOn.milliseconds - receivedAt.milliseconds)
        return Timestamp(milliseconds: token.expiresOn.milliseconds - min(30_000, life / 10))
    }
}
