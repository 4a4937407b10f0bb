/// What requests may cost, as a range: from their input alone (every answer empty) to every
/// answer using its whole `max_tokens`. Computed per model and tier from the token estimates of
/// `batchctl validate`; `nil` figures are "no price" (a rate the model lacks), never 0.
public struct CostRange: Sendable, Equatable, Codable {
    /// US dollars for the input alone.
    public var low: Double
    /// US dollars with every answer at its limit (the limit known: see ``TokenTally/unboundedLines``).
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    public static func + (lhs: CostRange, rhs: CostRange) -> CostRange {
        CostRange(low: lhs.low + rhs.low, high: lhs.high + rhs.high)
    }
}

/// Tokens estimated for a set of requests to one model, before sending (``TokenCost``): what the
/// cost range is computed from.
public struct TokenTally: Sendable, Equatable, Codable {
    /// Requests counted.
    public var lines: Int
    /// Estimated input tokens (`ceil(prompt bytes / 4)` per request).
    public var inputTokens: Int
    /// The sum of each request's answer limit (`max_tokens` × `n`, and the like).
    public var maxOutputTokens: Int
    /// Requests that can produce output but name no limit: the high end of a range does not cover
    /// their answers.
    public var unboundedLines: Int
    /// Input characters of speech requests (priced per character, not per token).
    public var inputCharacters: Int
    /// Requests priced per minute of audio, whose length is not known before sending.
    public var audioLines: Int

    public init(
        lines: Int = 0, inputTokens: Int = 0, maxOutputTokens: Int = 0, unboundedLines: Int = 0,
        inputCharacters: Int = 0, audioLines: Int = 0
    ) {
        self.lines = lines
        self.inputTokens = inputTokens
        self.maxOutputTokens = maxOutputTokens
        self.unboundedLines = unboundedLines
        self.inputCharacters = inputCharacters
        self.audioLines = audioLines
    }

    public static func += (lhs: inout TokenTally, rhs: TokenTally) {
        lhs.lines += rhs.lines
        lhs.inputTokens += rhs.inputTokens
        lhs.maxOutputTokens += rhs.maxOutputTokens
        lhs.unboundedLines += rhs.unboundedLines
        lhs.inputCharacters += rhs.inputCharacters
        lhs.audioLines += rhs.audioLines
    }
}

extension ModelPrice.Rates {
    /// The cost range of `tally` at these rates, or `nil` ("no price") when a rate it needs is
    /// missing. Speech is priced per input character when the rates say so; requests priced per
    /// minute of audio (``TokenTally/audioLines``) add nothing: their length is unknown before
    /// sending, and callers say so beside the range.
    public func cost(of tally: TokenTally) -> CostRange? {
        var low = 0.0
        if tally.inputCharacters > 0, let rate = perMillionCharacters {
            low = Double(tally.inputCharacters) / 1_000_000 * rate
        } else if tally.inputTokens > 0 && tally.lines > tally.audioLines {
            guard let rate = input else { return nil }
            low = Double(tally.inputTokens) / 1_000_000 * rate
        }
        var high = low
        if tally.maxOutputTokens > 0 {
            guard let rate = output else { return nil }
            high += Double(tally.maxOutputTokens) / 1_000_000 * rate
        }
        if tally.audioLines > 0 && perMinute == nil && input == nil { return nil }
        return CostRange(low: low, high: high)
    }
}
