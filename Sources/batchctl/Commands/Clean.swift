import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore

/// `batchctl clean --finished --older-than 30d`: forgets old ended jobs; their files stay.
struct Clean: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Forget ended jobs (completed, failed, cancelled) finished long enough ago; never their files.",
        discussion: """
            Jobs whose input is still in one of the config's drop folders are kept (the daemon would \
            take the file again); --force forgets them too. --dry-run lists what would be forgotten.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Forget ended jobs (completed, failed, cancelled). Required: the only kind clean forgets.")
    var finished = false

    @Option(
        help: "Only jobs that ended longer ago than this: 90s, 45m, 12h, 30d or 2w (default 0s: every one).")
    var olderThan: String = "0s"

    @Flag(help: "Forget jobs whose input is still in a drop folder too.")
    var force = false

    @Flag(help: "List the jobs that would be forgotten; forget nothing.")
    var dryRun = false

    @Flag(help: "Print the jobs as JSON.")
    var json = false

    func validate() throws {
        if !finished { throw ValidationError("say which jobs to forget: --finished") }
        if TimeSpan(olderThan) == nil {
            throw ValidationError("--older-than \(olderThan): write a number and a unit, e.g. 30d, 12h, 45m")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            let settings = try global.loadSettings()
            let now = SystemClock().now
            let cutoff = Timestamp(milliseconds: now.milliseconds - (TimeSpan(olderThan)?.milliseconds ?? 0))
            let candidates = try await store.finishedJobs(before: cutoff)
            var kept: [JobRecord] = []
            var chosen: [JobRecord] = []
            for job in candidates {
                if !force, DropFolderGuard.folder(holding: job, settings: settings) != nil {
                    kept.append(job)
                } else {
                    chosen.append(job)
                }
            }
            let forgotten = dryRun ? chosen : try await store.forgetFinished(chosen.map(\.id), before: cutoff)
            if json {
                try JSONOutput.print(forgotten.map(JobView.init))
                return .success
            }
            let verb = dryRun ? "would forget" : "forgot"
            print("\(verb) \(forgotten.count) job\(forgotten.count == 1 ? "" : "s") (their files stay)")
            for job in forgotten { print("  job \(job.id) \(job.state.rawValue): \(job.inputPath)") }
            for job in kept {
                print("  kept job \(job.id): its input is still in a drop folder (--force forgets it)")
            }
            return .success
        }
    }
}
