/// What one model costs, in US dollars: at the live (synchronous) API's price and at the Batch
/// API's, with the date the figures were read and where from.
///
/// A rate left out is unknown, never free: a cost that needs it is "no price" (`nil`), not 0. A
/// model that is free says so with an explicit `0`.
///
///     "gpt-4o-mini": {"live": {"input": 0.15, "cached_input": 0.075, "output": 0.6},
///                     "batch": {"input": 0.075, "output": 0.3},
///                     "date": "2025-08-20", "source": "https://platform.openai.com/docs/pricing"}
public struct ModelPrice: Codable, Sendable, Equatable {
    /// The synchronous API's rates.
    public var live: Rates
    /// The Batch API's rates; `nil` when the model cannot be batched or its batch price is unknown.
    public var batch: Rates?
    /// When the figures were read from `source` (`YYYY-MM-DD`).
    public var date: String?
    /// Where the figures come from.
    public var source: String?

    public init(live: Rates, batch: Rates? = nil, date: String? = nil, source: String? = nil) {
        self.live = live
        self.batch = batch
        self.date = date
        self.source = source
    }

    /// Rates in US dollars, each per unit of what is charged.
    public struct Rates: Codable, Sendable, Equatable {
        /// Per 1,000,000 input (prompt) tokens.
        public var input: Double?
        /// Per 1,000,000 input tokens served from the prompt cache.
        public var cachedInput: Double?
        /// Per 1,000,000 output (completion) tokens.
        public var output: Double?
        /// Per minute of audio (transcriptions, translations).
        public var perMinute: Double?
        /// Per 1,000,000 characters of input text (speech).
        public var perMillionCharacters: Double?

        public init(
            input: Double? = nil, cachedInput: Double? = nil, output: Double? = nil, perMinute: Double? = nil,
            perMillionCharacters: Double? = nil
        ) {
            self.input = input
            self.cachedInput = cachedInput
            self.output = output
            self.perMinute = perMinute
            self.perMillionCharacters = perMillionCharacters
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case input, output
            case cachedInput = "cached_input"
            case perMinute = "per_minute"
            case perMillionCharacters = "per_1m_characters"
        }

        /// The keys of a rates object, as written in files.
        public static let keys: [String] = CodingKeys.allCases.map(\.rawValue)
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case live, batch, date, source
    }

    /// The keys of a price entry, as written in files.
    public static let keys: [String] = CodingKeys.allCases.map(\.rawValue)

    /// The rates of `tier`, if the model has any there.
    public func rates(_ tier: PriceTier) -> Rates? {
        switch tier {
        case .live: live
        case .batch: batch
        }
    }
}

/// Which price applies: the synchronous API's, or the Batch API's (typically half).
public enum PriceTier: String, Sendable, CaseIterable, Codable {
    case live, batch
}
