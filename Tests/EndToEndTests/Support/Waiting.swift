import BatchCore
import Foundation

@testable import BatchStore

/// Waits for a condition observed in another process (the database, the simulator's counters, a
/// scrape), checking every 50 ms, failing after `timeout`.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(50))
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

extension TestFolder {
    /// The job as the database has it now.
    func job(_ id: Int64) throws -> JobRecord? {
        try Store(path: database).read { try $0.job(id) }
    }
}
