/// What a 429 says about its lane, as decided by ``ThrottleClassifier``.
///
/// A **quota** 429 means the lane sends faster than the server's limit: the lane pauses, narrows
/// and corrects its budget (``LaneQuota/throttled(until:headers:now:)``). A **capacity** 429 means
/// the server turned this one request away for another reason (peak load, a random refusal): only
/// that request waits out its `retry-after`; the lane goes on as it was.
public enum ThrottleCause: Sendable, Equatable {
    case quota(QuotaEvidence)
    case capacity(CapacityEvidence)

    /// Why a 429 counts as a quota 429.
    public enum QuotaEvidence: Sendable, Equatable {
        /// The 429's own headers name an exhausted limit (`x-ratelimit-remaining-*: 0`; a 0 on a
        /// 429 is trusted).
        case exhaustedHeader
        /// The lane's budget was spent when the 429 came: it sends at the edge of what it believes
        /// the limit to be.
        case budgetSpent
        /// 429s cluster: at least ``ThrottleClassifier/clusterCount`` of the lane's last
        /// ``ThrottleClassifier/historyLength`` answers were 429s.
        case clustered
    }

    /// Why a 429 counts as a capacity 429.
    public enum CapacityEvidence: Sendable, Equatable {
        /// Its body speaks of demand or capacity, not of a rate limit or quota
        /// (``ThrottleSignal/saysCapacity(body:)``).
        case wording
        /// The lane's budget holds quota for the request: the lane paced it within its limit.
        case budgetLeft
        /// A lone 429 amid successes, on a lane with no budget to judge by.
        case lone
    }

    /// Whether the lane pauses and narrows (a quota 429) rather than only the request waiting.
    public var pausesLane: Bool {
        if case .quota = self { return true }
        return false
    }
}

/// What a 429 carries that tells a quota 429 from a capacity 429: its rate-limit headers and
/// whether its body speaks of capacity.
public struct ThrottleSignal: Sendable, Equatable {
    public var headers: RateLimitHeaders
    public var bodySaysCapacity: Bool

    public init(headers: RateLimitHeaders, bodySaysCapacity: Bool = false) {
        self.headers = headers
        self.bodySaysCapacity = bodySaysCapacity
    }

    /// Whether a 429's body says the server is short of capacity rather than that a rate limit
    /// or quota was reached: it names high demand, peak load, an overload or capacity, and names
    /// no rate limit and no quota. Only the first 4 KiB are read, case-insensitively.
    ///
    /// | body (excerpt)                                                                      | capacity |
    /// |-------------------------------------------------------------------------------------|----------|
    /// | Azure: "The system is currently experiencing high demand … during peak load."       | yes      |
    /// | OpenAI: "The engine is currently overloaded, please try again later."               | yes      |
    /// | Azure: "… have exceeded call rate limit … https://aka.ms/oai/quotaincrease"         | no       |
    /// | OpenAI: "Rate limit reached for gpt-4o-mini …", code `rate_limit_exceeded`          | no       |
    /// | empty, or "Too Many Requests"                                                       | no       |
    public static func saysCapacity(body: [UInt8]) -> Bool {
        let text = String(decoding: body.prefix(4096), as: UTF8.self).lowercased()
        let capacity = ["high demand", "peak load", "overloaded", "capacity"].contains { text.contains($0) }
        let quota = ["rate limit", "rate_limit", "ratelimit", "quota"].contains { text.contains($0) }
        return capacity && !quota
    }
}
