import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore

/// `batchctl pause JOB`: stops a job from sending, through the database, whichever process runs it.
struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause a job: no new request starts, those in flight are awaited and recorded.",
        discussion: """
            Works on jobs of the daemon and of a batchctl run in another terminal: the process running \
            the job sees the request within a second, starts no new request, records the answers of \
            those in flight and leaves the job paused (paused_by_user). A job nobody runs is paused at \
            once. `batchctl resume JOB` continues it.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id (see `batchctl list`).")
    var job: Int64

    @Flag(help: "Wait until the running process has paused the job.")
    var wait = false

    @Flag(help: "Print the job as JSON once the request is recorded (with --wait: once it is paused).")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            let outcome = try await store.pauseByUser(
                job: job, now: SystemClock().now, isAlive: RunOwner.isAlive)
            switch outcome {
            case .paused(let record), .alreadyPaused(let record):
                try JobControlOutput.show(record, json: json, text: "job \(job) is paused")
            case .requested(let pid):
                if wait {
                    let record = try await JobControlOutput.waitUntilStopped(store: store, job: job)
                    try JobControlOutput.show(
                        record, json: json, text: "job \(job) is \(record.state.rawValue)")
                } else {
                    try JobControlOutput.show(
                        try await store.job(job), json: json,
                        text:
                            "job \(job): pause requested; pid \(pid) starts no new request and records those in flight"
                    )
                }
            case .final(let state):
                throw CLIError(
                    code: .configuration, message: "job \(job) is \(state.rawValue) and cannot be paused")
            case .notFound:
                throw CLIError(code: .configuration, message: BatchdError.jobNotFound(job).message)
            }
            return .success
        }
    }
}
