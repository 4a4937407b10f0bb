import ArgumentParser

/// `batchctl cache`: the answer cache (earlier answers reused by request content).
struct Cache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and prune the answer cache (earlier answers reused by request content).",
        subcommands: [CacheStatsCommand.self, CachePrune.self])
}
