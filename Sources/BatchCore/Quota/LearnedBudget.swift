/// What a lane learned about its server's limits, kept in the database so that the next process
/// on the same lane starts from it instead of measuring again (``LaneBudget/init(settings:learned:now:)``).
///
/// `requestsPerMinute` and `tokensPerMinute` are what the server was shown to admit (a measured
/// limit) or announced; nil when not known. `window` is the lane's window of requests in flight
/// when it was saved; a lane whose window nobody configured opens at it (at least
/// ``ConcurrencyLimit/initialWindow``) and slow-starts on from there. A learned budget older than
/// ``maximumAge`` is not used: limits change (a quota raised, a deployment moved).
public struct LearnedBudget: Sendable, Equatable {
    public var requestsPerMinute: Double?
    public var tokensPerMinute: Double?
    public var window: Int
    public var learnedAt: Timestamp

    /// How long a learned budget is trusted.
    public static let maximumAge: Duration = .seconds(24 * 3600)

    public init(requestsPerMinute: Double?, tokensPerMinute: Double?, window: Int, learnedAt: Timestamp) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.window = max(1, window)
        self.learnedAt = learnedAt
    }

    /// Whether it was learned at most ``maximumAge`` before `now`.
    public func isFresh(now: Timestamp) -> Bool {
        now.milliseconds - learnedAt.milliseconds <= Self.maximumAge.wholeMillisecondsRoundedUp
    }

    /// Whether it says anything about the limits.
    public var knowsALimit: Bool { requestsPerMinute != nil || tokensPerMinute != nil }

    /// The same knowledge, whenever learned: a save that changes only `learnedAt` can wait.
    public func sameKnowledge(as other: LearnedBudget) -> Bool {
        requestsPerMinute == other.requestsPerMinute && tokensPerMinute == other.tokensPerMinute
            && window == other.window
    }
}
