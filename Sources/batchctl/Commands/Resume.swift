import ArgumentParser
import BatchCore
import BatchStore

/// `batchctl resume JOB`: queues a paused job again once its cause is fixed.
struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Queue a paused job again (after fixing what paused it); batchd or `batchctl run` continues it.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id (see `batchctl list`).")
    var job: Int64

    @Flag(help: "Print the job as JSON.")
    var json = false

    @Option(help: "A new spending cap in US dollars (a job paused budget_reached goes on up to it).")
    var maxCost: Double?

    func validate() throws {
        if let maxCost, !(maxCost > 0) {
            throw ValidationError("--max-cost must be a positive number of dollars")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            let now = SystemClock().now
            let outcome: ResumeOutcome
            if let maxCost {
                outcome = try await store.resume(job: job, maxCost: maxCost, now: now)
            } else {
                outcome = try await store.resume(job: job, now: now)
            }
            switch outcome {
            case .resumed(let record):
                try JobControlOutput.show(
                    record, json: json,
                    text: "job \(job) queued again: \(record.counts.pending) requests left")
                return .success
            case .alreadyRunnable(let state):
                try JobControlOutput.show(
                    try await store.job(job), json: json, text: "job \(job) is already \(state.rawValue)")
                return .success
            case .final(let state):
                throw CLIError(
                    code: .configuration, message: "job \(job) is \(state.rawValue) and cannot be resumed")
            case .notFound:
                throw CLIError(code: .configuration, message: BatchdError.jobNotFound(job).message)
            }
        }
    }
}
