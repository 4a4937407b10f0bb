import BatchCore
import Foundation

/// The price table shipped with batchd: `prices.json` beside this file, compiled into the binary
/// (no resource bundle to install), decoded once.
///
/// Schema of `prices.json` (stable; the config file's `prices` uses the same entry shape):
///
///     {"currency": "USD", "about": "…",
///      "models": {"<model>": {"live": {"input": 2.5, "cached_input": 1.25, "output": 10},
///                             "batch": {"input": 1.25, "output": 5},
///                             "date": "YYYY-MM-DD", "source": "https://…"}, …},
///      "aliases": {"<name>": "<model>", …}}
///
/// Rates are US dollars per 1,000,000 tokens, `per_minute` of audio, or `per_1m_characters`.
public enum ShippedPrices {
    /// The file's contents.
    public struct File: Decodable, Sendable {
        public var currency: String
        public var models: [String: ModelPrice]
        public var aliases: [String: String]?
    }

    /// The shipped table. A table that does not decode is a build defect, caught by the tests.
    public static let table: PriceTable = {
        guard let file = try? decode() else { return PriceTable() }
        return PriceTable(models: file.models, aliases: file.aliases ?? [:])
    }()

    /// Decodes the embedded `prices.json`.
    public static func decode() throws -> File {
        try JSONDecoder().decode(File.self, from: Data(PackageResources.prices_json))
    }
}
