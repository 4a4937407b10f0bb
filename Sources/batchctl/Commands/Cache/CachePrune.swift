import ArgumentParser
import BatchCore
import BatchStore

/// `batchctl cache prune --older-than 30d`: forgets old cache entries; the answers' lines stay.
struct CachePrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Forget cache entries written longer ago than a span; the results files are untouched.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Forget entries older than this: 90s, 45m, 12h, 30d or 2w.")
    var olderThan: String

    @Flag(help: "Print what was forgotten as JSON.")
    var json = false

    func validate() throws {
        if TimeSpan(olderThan) == nil {
            throw ValidationError("--older-than \(olderThan): write a number and a unit, e.g. 30d, 12h, 45m")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            let now = SystemClock().now
            let cutoff = Timestamp(milliseconds: now.milliseconds - (TimeSpan(olderThan)?.milliseconds ?? 0))
            let (entries, sources) = try await store.pruneCache(before: cutoff)
            if json {
                try JSONOutput.print(["entries": entries, "sources": sources])
            } else {
                print("forgot \(entries) cache entr\(entries == 1 ? "y" : "ies") (\(sources) runs)")
            }
            return .success
        }
    }
}
