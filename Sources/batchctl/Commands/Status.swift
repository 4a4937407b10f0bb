import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore

/// `batchctl status JOB`: one job in detail.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one job.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id (see `batchctl list`).")
    var job: Int64

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            var view = JobView(try await store.job(job))
            let batches = try await store.remoteBatches(job: job)
            view.remoteBatches = RemoteBatchView.list(batches)
            if json {
                try JSONOutput.print(view)
                return .success
            }
            print("job \(view.id): \(view.state)" + (view.ownerPid.map { " (pid \($0))" } ?? ""))
            if let code = view.stateCode { print("  reason:    \(code): \(view.stateReason ?? "")") }
            print("  input:     \(view.input)")
            print("  endpoint:  \(view.endpoint)")
            print(
                "  requests:  \(view.requests)" + (view.ingested ? "" : " so far (still reading the input)"))
            print("  succeeded: \(view.succeeded)")
            print("  failed:    \(view.failed)")
            print("  rejected:  \(view.rejected)")
            print("  pending:   \(view.pending)")
            print("  attempts:  \(view.attempts) (429s: \(view.throttled))")
            print("  results:   \(view.outputs.results)")
            print("  errors:    \(view.outputs.errors)")
            for line in RemoteBatchLines.describe(batches) { print(line) }
            return .success
        }
    }
}
