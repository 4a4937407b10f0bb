import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore

/// `batchctl retry JOB`: sends again the lines whose last attempt ended in a retryable failure.
struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Queue again the lines of a job whose final failure a retry could fix (429, 5xx, timeouts, …).",
        discussion: """
            Their error lines leave the errors file (a copy without them is renamed over it) and the job \
            is queued: batchd, or batchctl run on the same file, sends them, and their new outcomes are \
            appended. Every line keeps at most one output line at every moment, and exactly one once \
            the job completes, across crashes too.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id (see `batchctl list`).")
    var job: Int64

    @Option(help: "Which failures: 429, 5xx, timeout, connection, or all retryable ones (default).")
    var status: RetrySelection = .all

    @Flag(help: "Print the job as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            switch try await JobRetrier(store: store).retry(job: job, selection: status) {
            case .queued(let record, let lines):
                try JobControlOutput.show(
                    record, json: json,
                    text:
                        "job \(job): \(lines) lines queued again; batchd, or `batchctl run \(record.inputPath)`, sends them"
                )
            case .nothingToRetry(let record):
                try JobControlOutput.show(record, json: json, text: "job \(job): no line to retry")
            case .running(let pid):
                throw CLIError(
                    code: .configuration, message: "job \(job) is being run by pid \(pid): retry once it ends"
                )
            case .notRetryable(let state):
                throw CLIError(
                    code: .configuration, message: "job \(job) is \(state.rawValue) and cannot be retried")
            }
            return .success
        }
    }
}

extension RetrySelection: ExpressibleByArgument {}
