import ArgumentParser
import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import Foundation

/// `batchctl cache stats`: how many answers the cache holds and what it saved.
struct CacheStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "How many answers the cache holds, and the requests, tokens and cost it saved.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            let settings = try global.loadSettings()
            let stats = try await store.cacheStats()
            var usd: Double? = 0
            for model in stats.models {
                let cost = SpendingCap.cost(model.usage, price: settings.prices.price(of: model.model)?.price)
                usd = cost.flatMap { spent in usd.map { $0 + spent } }
            }
            let saved = usd.map { ($0 * 1_000_000).rounded() / 1_000_000 }
            if json {
                let view = CacheStatsView(
                    entries: stats.entries, sources: stats.sources, keptBodies: stats.keptBodies,
                    keptBodyBytes: stats.keptBodyBytes,
                    oldest: stats.oldest.map(Self.iso8601), newest: stats.newest.map(Self.iso8601),
                    hits: stats.hits, promptTokensSaved: stats.tokensSaved.promptTokens,
                    completionTokensSaved: stats.tokensSaved.completionTokens,
                    totalTokensSaved: stats.tokensSaved.totalTokens, costSavedUSD: saved)
                try JSONOutput.print(view)
                return .success
            }
            print("entries: \(stats.entries) (in \(stats.sources) runs' results files)")
            if stats.keptBodies > 0 {
                print("kept bodies: \(stats.keptBodies) (\(stats.keptBodyBytes) bytes compressed)")
            }
            if let oldest = stats.oldest, let newest = stats.newest {
                print("written: \(Self.iso8601(oldest)) to \(Self.iso8601(newest))")
            }
            print("hits: \(stats.hits), tokens saved: \(stats.tokensSaved.totalTokens)")
            print("cost saved: " + (saved.map { "$\($0)" } ?? "no price for some models"))
            return .success
        }
    }

    static func iso8601(_ time: Timestamp) -> String {
        Date(timeIntervalSince1970: Double(time.milliseconds) / 1000).formatted(.iso8601)
    }
}

/// `cache stats --json`.
struct CacheStatsView: Encodable {
    var entries: Int
    var sources: Int
    var keptBodies: Int
    var keptBodyBytes: Int
    var oldest: String?
    var newest: String?
    var hits: Int
    var promptTokensSaved: Int
    var completionTokensSaved: Int
    var totalTokensSaved: Int
    var costSavedUSD: Double?

    enum CodingKeys: String, CodingKey {
        case entries, sources, oldest, newest, hits
        case keptBodies = "kept_bodies"
        case keptBodyBytes = "kept_body_bytes"
        case promptTokensSaved = "prompt_tokens_saved"
        case completionTokensSaved = "completion_tokens_saved"
        case totalTokensSaved = "total_tokens_saved"
        case costSavedUSD = "cost_saved_usd"
    }
}
