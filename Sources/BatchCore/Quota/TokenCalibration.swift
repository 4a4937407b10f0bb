/// Corrects a lane's token estimates (``TokenCost``) by the tokens its server reports having
/// counted, so that a lane whose bottleneck is tokens per minute is paced at the server's count,
/// not at an estimate that errs high.
///
/// The estimate rounds each request's prompt up (`ceil(bytes / 4)`), so a corpus of short chunks
/// is overestimated by up to one token in thirty; paced at the estimate, a job bound by its TPM
/// runs that much below the limit. Answers whose whole cost is their prompt (embeddings,
/// moderations) report what the server counted in `usage.prompt_tokens`; their sum over the
/// estimates gives the factor charged from then on:
///
/// | estimated so far | reported so far | factor | a request estimated at 22 is charged |
/// |------------------|-----------------|--------|--------------------------------------|
/// | 1,500            | 1,400           | 1      | 22 (too little evidence yet)         |
/// | 44,000           | 41,000          | 0.932  | 22 × 0.932 = 20.5 → 21               |
/// | 44,000           | 48,000          | 1      | 22 (never above the estimate)        |
/// | 44,000           | 10,000          | 0.5    | 11 (at most halved)                  |
///
/// Guarantees: the factor is 1 until ``minimumEvidence`` estimated tokens were answered; it never
/// exceeds 1 (a server counting more than estimated answers 429s, which the lane already handles)
/// and never falls below ``lowestFactor``; a quota 429 (``distrust()``) says the server counts
/// otherwise than it reports (Azure charges its own character-based estimate on arrival), and the
/// lane goes back to the plain estimate for good. A cost of 0 stays 0, any other at least 1.
public struct TokenCalibration: Sendable, Equatable {
    /// Estimated tokens answered before the factor moves from 1.
    public static let minimumEvidence = 2_000
    /// The lowest factor: an estimate is never charged at less than half.
    public static let lowestFactor = 0.5

    public private(set) var estimated = 0
    public private(set) var reported = 0
    /// False once a quota 429 showed the reports are not what the server counts.
    public private(set) var trusted = true

    public init() {}

    /// The factor charged: reported over estimated, within `lowestFactor...1`.
    public var factor: Double {
        guard trusted, estimated >= Self.minimumEvidence else { return 1 }
        return min(1, max(Self.lowestFactor, Double(reported) / Double(estimated)))
    }

    /// An answer of a request estimated at `estimated` tokens, all of them prompt, whose server
    /// reported counting `reported`.
    public mutating func record(estimated: Int, reported: Int) {
        guard trusted, estimated > 0, reported >= 0 else { return }
        self.estimated += estimated
        self.reported += reported
    }

    /// A quota 429: estimates are charged as they are from now on.
    public mutating func distrust() {
        trusted = false
    }

    /// What a request estimated at `cost` is charged.
    public func charge(_ cost: Int) -> Int {
        let factor = factor
        guard cost > 0, factor < 1 else { return cost }
        return max(1, Int((Double(cost) * factor).rounded(.up)))
    }
}
