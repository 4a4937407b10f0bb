import BatchCore
import BatchStore

/// What `pause` and `cancel` print, and their wait for the running process.
enum JobControlOutput {
    /// Prints `record` as JSON (``JobView``) or `text`.
    static func show(_ record: JobRecord, json: Bool, text: String) throws {
        if json { try JSONOutput.print(JobView(record)) } else { print(text) }
    }

    /// Waits until `job` is no longer running (its process acted on the request), reading its row
    /// every 100 ms, and returns it.
    static func waitUntilStopped(store: Store, job: Int64, clock: any BatchClock = SystemClock()) async throws
        -> JobRecord
    {
        while true {
            let record = try await store.job(job)
            if record.state != .running { return record }
            try await clock.sleep(for: .milliseconds(100))
        }
    }
}
