/// A job's spending cap (`--max-cost USD`): the decision whether a request may start, and the
/// spend reconciled as answers arrive. Pure: the dispatch loop feeds it and acts on its answers.
///
/// Rules:
/// - a request starts only if `spent + reserved + its worst case <= cap`, its worst case being
///   its estimated tokens (prompt estimate + its answer's limit, as rate limits charge) all at the
///   model's dearer live rate, input or output;
/// - its reservation is released when it comes back; an answer's `usage` is then added to `spent`
///   at the model's live rates (prompt tokens as input, completion tokens as output); a success
///   without `usage`, or a failure with no HTTP answer (it may have run), is charged its worst case;
///   an HTTP error answer costs nothing;
/// - a request to a model with no price cannot be checked: it is refused.
/// A request without `max_tokens` is estimated at its prompt alone, so its answer can take the
/// spend past the cap; once it is, no request starts.
public struct SpendingCap: Sendable, Equatable {
    /// US dollars the job may spend.
    public let cap: Double
    /// US dollars reconciled so far.
    public private(set) var spent: Double
    /// Worst cases of the requests in flight, by input line.
    public private(set) var reservations: [Int: Double] = [:]

    public init(cap: Double, spent: Double = 0) {
        self.cap = cap
        self.spent = spent
    }

    /// The worst cases reserved now.
    public var reserved: Double { reservations.values.reduce(0, +) }

    /// Why a request may not start.
    public enum Refusal: Sendable, Equatable {
        /// The model has no price: the cap cannot be checked.
        case noPrice(model: String)
        /// It could take the spend over the cap.
        case overCap(spent: Double, reserved: Double, worstCase: Double)
    }

    /// The worst case of a request of `tokens` estimated tokens at `rates`, or `nil` without a rate.
    public static func worstCase(tokens: Int, rates: ModelPrice.Rates) -> Double? {
        guard let dearest = [rates.input, rates.output].compactMap({ $0 }).max() else { return nil }
        return Double(tokens) / 1_000_000 * dearest
    }

    /// Reserves the worst case of the request on `line` and returns `nil`, or says why it may not start.
    public mutating func admit(line: Int, model: String, tokens: Int, price: ModelPrice?) -> Refusal? {
        guard let rates = price?.live, let worst = Self.worstCase(tokens: tokens, rates: rates) else {
            return .noPrice(model: model)
        }
        let reserved = reserved
        guard spent + reserved + worst <= cap else {
            return .overCap(spent: spent, reserved: reserved, worstCase: worst)
        }
        reservations[line] = worst
        return nil
    }

    /// How a request that had started came back, for ``settle(line:_:price:)``.
    public enum Return: Sendable, Equatable {
        /// An HTTP answer, with the usage it reports (if any) and whether it succeeded.
        case answer(usage: TokenUsage?, succeeded: Bool)
        /// No HTTP answer: a timeout or a lost connection (it may have run).
        case noAnswer
        /// Never reached the server (refused, cancelled before sending).
        case notSent
    }

    /// Releases the reservation of the request on `line` and adds what it cost.
    public mutating func settle(line: Int, _ result: Return, price: ModelPrice?) {
        guard let worst = reservations.removeValue(forKey: line) else { return }
        switch result {
        case .answer(let usage?, _):
            spent += Self.cost(usage, price: price) ?? worst
        case .answer(nil, let succeeded):
            if succeeded { spent += worst }
        case .noAnswer:
            spent += worst
        case .notSent:
            break
        }
    }

    /// What `usage` costs at `price`'s rates of `tier` (live unless told), or `nil` without them.
    public static func cost(_ usage: TokenUsage, price: ModelPrice?, tier: PriceTier = .live) -> Double? {
        guard let rates = price?.rates(tier), let input = rates.input else { return nil }
        let output = rates.output ?? (usage.completionTokens == 0 ? 0 : nil)
        guard let output else { return nil }
        return Double(usage.promptTokens) / 1_000_000 * input + Double(usage.completionTokens) / 1_000_000
            * output
    }
}
