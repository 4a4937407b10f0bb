import ArgumentParser
import BatchCore
import BatchStore
import Foundation

/// `batchctl watch [JOB…]`: follows jobs live from the database, whichever process runs them.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow jobs live: done/total, lines/s over 30 s, ETA, tokens/min, 429s, errors by code.",
        discussion: """
            Reads only the database and the errors files (never taking a write lock), so it works on \
            jobs of the daemon and of a batchctl run in another terminal alike. Without a job id it \
            follows every job queued or running when it starts. On a terminal it redraws in place; \
            otherwise it prints one line per job per interval. It exits once every job it follows has \
            ended or paused, with the exit status batchctl run would have had.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Job ids (default: every queued or running job).")
    var jobs: [Int64] = []

    @Option(help: "Seconds between two reads.")
    var interval: Double = 1

    @Flag(help: "Print one JSON object per job per interval (JSON lines).")
    var json = false

    func validate() throws {
        if !(interval > 0) { throw ValidationError("--interval must be positive") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            let clock = SystemClock()
            var ids = jobs
            if ids.isEmpty { ids = try await store.runnableJobs(limit: 1000).map(\.id).sorted() }
            guard !ids.isEmpty else {
                if !json { print("no job is queued or running") }
                return .success
            }
            var watches = ids.map(JobWatch.init)
            let redraw = !json && isatty(STDOUT_FILENO) == 1
            var drawn = 0
            while true {
                for index in watches.indices {
                    try await watches[index].refresh(store: store, now: clock.now)
                }
                let views = watches.map(\.view)
                if json {
                    for view in views { try JSONLine.print(view) }
                } else {
                    // Written at once, unbuffered: a pipe sees each interval's lines as they come.
                    var text = redraw && drawn > 0 ? "\u{1B}[\(drawn)A" : ""
                    for view in views { text += (redraw ? "\r\u{1B}[2K" : "") + view.text + "\n" }
                    FileHandle.standardOutput.write(Data(text.utf8))
                    drawn = views.count
                }
                if watches.allSatisfy(\.ended) { return watches.map(\.exitStatus).max() ?? .success }
                try await clock.sleep(for: .milliseconds(Int64(interval * 1000)))
            }
        }
    }
}

/// One compact JSON object per line.
enum JSONLine {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}
