/// A `prices` entry as written in a configuration file: a string names the model to price as
/// (`"my-deployment": "gpt-4o-mini"`), an object is a price of its own (``ModelPrice``).
extension PriceTable.Entry: Codable {
    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let name = try? single.decode(String.self) {
            self = .sameAs(name)
        } else {
            self = .price(try single.decode(ModelPrice.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .price(let price): try single.encode(price)
        case .sameAs(let name): try single.encode(name)
        }
    }

    /// Why this entry cannot be used, naming it under `prefix` (e.g. `prices.my-model`): a negative
    /// rate, or an alias to nothing.
    public func problem(prefix: String) -> String? {
        switch self {
        case .sameAs(let name):
            return name.isEmpty ? "\(prefix) must name a model, not be empty" : nil
        case .price(let price):
            for (tier, rates) in [("live", price.live), ("batch", price.batch)] {
                guard let rates else { continue }
                let values: [(String, Double?)] = [
                    ("input", rates.input), ("cached_input", rates.cachedInput), ("output", rates.output),
                    ("per_minute", rates.perMinute), ("per_1m_characters", rates.perMillionCharacters),
                ]
                for (key, value) in values {
                    if let value, !(value >= 0) { return "\(prefix).\(tier).\(key) must not be negative" }
                }
            }
            return nil
        }
    }
}
