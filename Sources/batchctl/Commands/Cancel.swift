import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore
import BatchTransport
import Foundation

/// `batchctl cancel JOB`: ends a job for good, each line still with exactly one output line.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a job: every line without an outcome gets an error line with code cancelled.",
        discussion: """
            A job run by the daemon or by a batchctl run in another terminal is stopped by that process \
            within a second (requests in flight are awaited and recorded); a job nobody runs is finished \
            here. Either way each line ends with exactly one output line, the report is written, and the \
            job is cancelled. The job's provider batches (--via batch) are cancelled at the provider; \
            nothing else is sent.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id (see `batchctl list`).")
    var job: Int64

    @Flag(help: "Wait until the running process has cancelled the job.")
    var wait = false

    @Flag(help: "Print the job as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            switch try await store.cancelByUser(job: job, now: SystemClock().now, isAlive: RunOwner.isAlive) {
            case .requested(let pid):
                try await requested(store: store, pid: pid)
            case .finishHere:
                // This process finishes the cancel: it cancels the job's remote batches at the
                // provider itself (a cancelled job never runs again to do it later).
                let transport = AsyncHTTPTransport(connectionsPerHost: 2)
                let canceller = JobCanceller(
                    store: store, settings: try global.loadSettings(), transport: transport)
                let outcome: JobCanceller.Outcome
                do {
                    outcome = try await canceller.cancel(job: job)
                } catch {
                    try? await transport.shutdown()
                    throw error
                }
                try? await transport.shutdown()
                switch outcome {
                case .cancelled(let record, let remoteProblems):
                    for problem in remoteProblems {
                        FileHandle.standardError.write(Data("batchctl: warning: \(problem)\n".utf8))
                    }
                    try JobControlOutput.show(
                        record, json: json,
                        text:
                            "job \(job) cancelled: \(record.counts.succeeded) succeeded, \(record.counts.failed) failed"
                            + " or cancelled, \(record.counts.rejected) rejected")
                case .busy(let pid):
                    try await requested(store: store, pid: pid)
                case .final(let state):
                    throw CLIError(
                        code: .configuration,
                        message: "job \(job) is \(state.rawValue) and cannot be cancelled")
                }
            case .final(let state):
                throw CLIError(
                    code: .configuration, message: "job \(job) is \(state.rawValue) and cannot be cancelled")
            case .notFound:
                throw CLIError(code: .configuration, message: BatchdError.jobNotFound(job).message)
            }
            return .success
        }
    }

    private func requested(store: Store, pid: Int32) async throws {
        if wait {
            let record = try await JobControlOutput.waitUntilStopped(store: store, job: job)
            try JobControlOutput.show(record, json: json, text: "job \(job) is \(record.state.rawValue)")
        } else {
            try JobControlOutput.show(
                try await store.job(job), json: json,
                text: "job \(job): cancel requested; pid \(pid) stops it and writes the cancelled lines")
        }
    }
}
