import BatchCore

/// What `batchctl validate` (and `--dry-run`) prints with `--json`: per file its lines, rejects,
/// requests per url and model and the provider limits it crosses; per model the token estimates
/// and the cost range at live and at batch price; the totals.
///
/// The schema is stable (documented in the README, checked by a golden test). A cost is `null`
/// when the model has no price (or no batch price): never 0 for "unknown". Dollar figures are
/// rounded to 6 decimals.
public struct ValidationReport: Encodable, Sendable, Equatable {
    public var files: [File]
    public var models: [Model]
    public var total: Total

    public struct File: Encodable, Sendable, Equatable {
        public var file: String
        public var lines: Int
        public var valid: Int
        public var rejected: Int
        public var bytes: Int64
        public var rejects: [Reject]
        public var requests: [Requests]
        public var limits: [LimitCrossing]
    }

    public struct Reject: Encodable, Sendable, Equatable {
        public var line: Int
        public var code: String
        public var reason: String
    }

    public struct Requests: Encodable, Sendable, Equatable {
        public var url: String
        public var model: String
        public var lines: Int
        public var inputTokens: Int
        public var maxOutputTokens: Int
        public var unboundedLines: Int

        enum CodingKeys: String, CodingKey {
            case url, model, lines
            case inputTokens = "input_tokens"
            case maxOutputTokens = "max_output_tokens"
            case unboundedLines = "unbounded_lines"
        }
    }

    public struct Model: Encodable, Sendable, Equatable {
        public var model: String
        /// The table entry it was priced by (`nil`: no price).
        public var pricedAs: String?
        public var lines: Int
        public var inputTokens: Int
        public var maxOutputTokens: Int
        /// Requests with no answer limit: the high end does not cover their answers.
        public var unboundedLines: Int
        /// Requests priced per minute of audio: not in the range.
        public var audioLines: Int
        public var live: CostRange?
        public var batch: CostRange?
        public var priceDate: String?
        public var priceSource: String?

        enum CodingKeys: String, CodingKey {
            case model, lines, live, batch
            case pricedAs = "priced_as"
            case inputTokens = "input_tokens"
            case maxOutputTokens = "max_output_tokens"
            case unboundedLines = "unbounded_lines"
            case audioLines = "audio_lines"
            case priceDate = "price_date"
            case priceSource = "price_source"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(pricedAs, forKey: .pricedAs)
            try c.encode(lines, forKey: .lines)
            try c.encode(inputTokens, forKey: .inputTokens)
            try c.encode(maxOutputTokens, forKey: .maxOutputTokens)
            try c.encode(unboundedLines, forKey: .unboundedLines)
            try c.encode(audioLines, forKey: .audioLines)
            try c.encode(live, forKey: .live)
            try c.encode(batch, forKey: .batch)
            try c.encode(priceDate, forKey: .priceDate)
            try c.encode(priceSource, forKey: .priceSource)
        }
    }

    public struct Total: Encodable, Sendable, Equatable {
        public var lines: Int
        public var valid: Int
        public var rejected: Int
        public var inputTokens: Int
        public var maxOutputTokens: Int
        /// The sum over the models that have a price (see `unpricedModels`).
        public var live: CostRange?
        public var batch: CostRange?
        /// Models left out of the totals: no price (`live`), or no batch price (`batch`).
        public var unpricedModels: [String]
        public var unbatchedModels: [String]

        enum CodingKeys: String, CodingKey {
            case lines, valid, rejected, live, batch
            case inputTokens = "input_tokens"
            case maxOutputTokens = "max_output_tokens"
            case unpricedModels = "unpriced_models"
            case unbatchedModels = "no_batch_price_models"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(lines, forKey: .lines)
            try c.encode(valid, forKey: .valid)
            try c.encode(rejected, forKey: .rejected)
            try c.encode(inputTokens, forKey: .inputTokens)
            try c.encode(maxOutputTokens, forKey: .maxOutputTokens)
            try c.encode(live, forKey: .live)
            try c.encode(batch, forKey: .batch)
            try c.encode(unpricedModels, forKey: .unpricedModels)
            try c.encode(unbatchedModels, forKey: .unbatchedModels)
        }
    }

    /// The report of `files` (named as `names`, the paths as the user gave them) at `prices`.
    public init(_ validations: [FileValidation], names: [String]? = nil, prices: PriceTable) {
        files = zip(validations, names ?? validations.map(\.path)).map { validation, name in
            File(
                file: name, lines: validation.lines, valid: validation.valid,
                rejected: validation.rejects.count,
                bytes: validation.facts.bytes,
                rejects: validation.rejects.map { Reject(line: $0.line, code: $0.code, reason: $0.reason) },
                requests: validation.groups.map {
                    Requests(
                        url: $0.url, model: $0.model, lines: $0.tally.lines,
                        inputTokens: $0.tally.inputTokens,
                        maxOutputTokens: $0.tally.maxOutputTokens, unboundedLines: $0.tally.unboundedLines)
                }, limits: ProviderLimits.crossed(validation.facts))
        }
        var tallies: [String: TokenTally] = [:]
        var order: [String] = []
        for group in validations.flatMap(\.groups) {
            if tallies[group.model] == nil { order.append(group.model) }
            tallies[group.model, default: TokenTally()] += group.tally
        }
        models = order.sorted().map { name in
            let tally = tallies[name]!
            let found = prices.price(of: name)
            return Model(
                model: name, pricedAs: found?.name, lines: tally.lines, inputTokens: tally.inputTokens,
                maxOutputTokens: tally.maxOutputTokens, unboundedLines: tally.unboundedLines,
                audioLines: tally.audioLines,
                live: found?.price.live.cost(of: tally).map(Self.rounded),
                batch: found?.price.batch?.cost(of: tally).map(Self.rounded),
                priceDate: found?.price.date, priceSource: found?.price.source)
        }
        let live = models.compactMap(\.live)
        let batch = models.compactMap(\.batch)
        total = Total(
            lines: files.map(\.lines).reduce(0, +), valid: files.map(\.valid).reduce(0, +),
            rejected: files.map(\.rejected).reduce(0, +), inputTokens: models.map(\.inputTokens).reduce(0, +),
            maxOutputTokens: models.map(\.maxOutputTokens).reduce(0, +),
            live: live.isEmpty ? nil : Self.rounded(live.reduce(CostRange(low: 0, high: 0), +)),
            batch: batch.isEmpty ? nil : Self.rounded(batch.reduce(CostRange(low: 0, high: 0), +)),
            unpricedModels: models.filter { $0.live == nil }.map(\.model),
            unbatchedModels: models.filter { $0.batch == nil && $0.live != nil }.map(\.model))
    }

    /// Whether a line was rejected (the command's exit status is then 1).
    public var hasRejects: Bool { total.rejected > 0 }

    static func rounded(_ range: CostRange) -> CostRange {
        CostRange(low: (range.low * 1e6).rounded() / 1e6, high: (range.high * 1e6).rounded() / 1e6)
    }
}
