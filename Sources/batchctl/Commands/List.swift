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
            let store = try global.openStore()
            var jobs = try await store.jobs(
                limit: limit, states: state.isEmpty ? nil : Set(state), since: from
            ).map(JobView.init)
            // Each job's provider batches (`via batch`): their state and request_counts.
            var batches: [Int64: [RemoteBatchRecord]] = [:]
            for index in jobs.indices {
                let found = try await store.remoteBatches(job: jobs[index].id)
                batches[jobs[index].id] = found
                jobs[index].remoteBatches = RemoteBatchView.list(found)
            }
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
                for line in RemoteBatchLines.describe(batches[job.id] ?? []) { print(line) }
            }
            return .success
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

extension JobState: ExpressibleByArgument {}
