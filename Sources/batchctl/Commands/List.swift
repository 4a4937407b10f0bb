import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore

/// `batchctl list`: the most recent jobs.
struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many jobs to show.")
    var limit: Int = 50

    @Option(
        help: "Only jobs in this state: queued, running, paused, completed, failed, cancelled (repeatable).")
    var state: [JobState] = []

    @Option(help: "Only jobs created since: 12h, 30d, … ago, a date (2026-12-01) or an ISO 8601 time.")
    var since: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let since, TimePoint.parse(since, now: SystemClock().now) == nil {
            throw ValidationError(
                "--since \(since): write 12h, 30d, a date such as 2026-12-01, or an ISO 8601 time")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let from = since.flatMap { TimePoint.parse($0, now: SystemClock().now) }
            let jobs = try await global.openStore().jobs(
                limit: limit, states: state.isEmpty ? nil : Set(state), since: from
            ).map(JobView.init)
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

extension JobState: ExpressibleByArgument {}
