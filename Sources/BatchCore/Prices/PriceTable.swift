/// Prices by model name: the table shipped with batchd (`BatchPrices`), extended or overridden by
/// the configuration file's `prices`.
///
/// Lookup rules (``price(of:)``), first match wins:
/// 1. the name itself, then an alias (a config entry `"my-deployment": "gpt-4o-mini"`: Azure
///    deployments are named by their owner, not by the model);
/// 2. the same, compared without case;
/// 3. the name without a date suffix (`gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`).
/// A model found nowhere has no price: ``price(of:)`` returns `nil`, and costs say "no price".
public struct PriceTable: Sendable, Equatable {
    /// Prices by model name.
    public var models: [String: ModelPrice]
    /// Names priced as another model: alias → model.
    public var aliases: [String: String]

    public init(models: [String: ModelPrice] = [:], aliases: [String: String] = [:]) {
        self.models = models
        self.aliases = aliases
    }

    /// An entry of a config file's `prices`: a price of its own, or the name of a model to price as.
    public enum Entry: Sendable, Equatable {
        case price(ModelPrice)
        case sameAs(String)
    }

    /// This table with `entries` added, each replacing any entry or alias of the same name.
    public func overridden(by entries: [String: Entry]) -> PriceTable {
        var table = self
        for (name, entry) in entries {
            switch entry {
            case .price(let price):
                table.models[name] = price
                table.aliases[name] = nil
            case .sameAs(let model):
                table.aliases[name] = model
                table.models[name] = nil
            }
        }
        return table
    }

    /// The price of `model` and the name it was found under, or `nil` when it has none.
    public func price(of model: String) -> (name: String, price: ModelPrice)? {
        if let found = exact(model) { return found }
        let lowered = model.lowercased()
        if let name = models.keys.first(where: { $0.lowercased() == lowered })
            ?? aliases.keys.first(where: {
                $0.lowercased() == lowered
            }), let found = exact(name)
        {
            return found
        }
        if let undated = Self.withoutDateSuffix(model), undated != model { return price(of: undated) }
        return nil
    }

    private func exact(_ name: String) -> (name: String, price: ModelPrice)? {
        if let price = models[name] { return (name, price) }
        // One hop only: an alias of an alias is not followed (no cycles to guard against).
        if let target = aliases[name], let price = models[target] { return (target, price) }
        return nil
    }

    /// `name` without a trailing `-YYYY-MM-DD` or `-YYYYMMDD`, or `nil` when it has none.
    static func withoutDateSuffix(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.allSatisfy { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
        }
        let n = bytes.count
        let dash = UInt8(ascii: "-")
        if n > 11, bytes[n - 11] == dash, digits((n - 10)..<(n - 6)), bytes[n - 6] == dash,
            digits((n - 5)..<(n - 3)), bytes[n - 3] == dash, digits((n - 2)..<n)
        {
            return String(decoding: bytes[..<(n - 11)], as: UTF8.self)
        }
        if n > 9, bytes[n - 9] == dash, digits((n - 8)..<n) {
            return String(decoding: bytes[..<(n - 9)], as: UTF8.self)
        }
        return nil
    }
}
