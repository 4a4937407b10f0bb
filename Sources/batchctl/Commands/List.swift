import ArgumentParser
import BatchEngine
import BatchStore

/// `batchctl list`: the most recent jobs.
struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many jobs to show.")
    var limit: Int = 50

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let jobs = try await global.openStore().jobs(limit: limit).map(JobView.init)
            if json {
                try JSONOutput.print(jobs)
                return .success
            }
            print(
                pad("ID", 6) + pad("STATE", 11) + pad("DONE", 16) + pad("FAILED", 8) + pad("REJECTED", 10)
                    + "INPUT")
            for job in jobs {
                print(
                    pad("\(job.id)", 6) + pad(job.state, 11)
                        + pad("\(job.succeeded + job.failed)/\(job.requests)", 16)
                        + pad("\(job.failed)", 8) + pad("\(job.rejected)", 10) + job.input)
            }
            return .success
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
