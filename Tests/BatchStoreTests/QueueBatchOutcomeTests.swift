import BatchCore
import BatchTesting
import Testing

@testable import BatchStore

/// `recordOutcomes` records what `recordOutcome` would, one multi-row statement per group of equal
/// values.
@Suite("Queue: batched outcome records")
struct QueueBatchOutcomeTests {
    let fixture: QueueFixture
    var store: Store { fixture.store }

    init() throws { fixture = try QueueFixture() }

    /// Every request row's (line, state, attempts, last_error), read with SQL of its own.
    func rows(job: Int64) throws -> [RequestOutcome] {
        let connection = try SQLiteConnection(path: fixture.directory.path("db/queue.sqlite"))
        let statement = try connection.statement(
            "SELECT line, state, attempts, last_error FROM requests WHERE job_id = ? ORDER BY line")
        try statement.bind(job, at: 1)
        var rows: [RequestOutcome] = []
        while try statement.step() {
            rows.append(
                RequestOutcome(
                    line: statement.int(0), state: RequestState(rawValue: statement.int(1))!,
                    attempts: statement.int(2), lastError: statement.optionalString(3)))
        }
        return rows
    }

    @Test("mixed values, groups longer than one statement, and untouched lines", arguments: [1, 64, 65, 200])
    func mixed(count: Int) throws {
        let id = try fixture.jobWithRequests(count + 3)
        // Most succeed at the first attempt; every 7th fails after 3 attempts, every 11th succeeds
        // at the second, every 13th fails with another code. Given out of line order.
        let outcomes = (1...count).reversed().map { line in
            if line.isMultiple(of: 7) {
                return RequestOutcome(line: line, state: .failed, attempts: 3, lastError: "http_400")
            }
            if line.isMultiple(of: 11) {
                return RequestOutcome(line: line, state: .succeeded, attempts: 2, lastError: nil)
            }
            if line.isMultiple(of: 13) {
                return RequestOutcome(line: line, state: .failed, attempts: 1, lastError: "invalid_json")
            }
            return RequestOutcome(line: line, state: .succeeded, attempts: 1, lastError: nil)
        }
        try store.write { try $0.recordOutcomes(job: id, outcomes) }

        let untouched = (count + 1...count + 3).map {
            RequestOutcome(line: $0, state: .pending, attempts: 0, lastError: nil)
        }
        #expect(try rows(job: id) == outcomes.sorted { $0.line < $1.line } + untouched)
        let pending = try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 1_000) }
        #expect(pending.map(\.line) == Array(count + 1...count + 3))
    }

    @Test("an outcome touches only its own job's line")
    func otherJob() throws {
        let first = try fixture.jobWithRequests(2)
        let second = try fixture.jobWithRequests(2)
        try store.write {
            try $0.recordOutcome(job: second, line: 2, state: .failed, attempts: 4, lastError: "http_500")
        }
        #expect(
            try rows(job: first) == [
                RequestOutcome(line: 1, state: .pending, attempts: 0, lastError: nil),
                RequestOutcome(line: 2, state: .pending, attempts: 0, lastError: nil),
            ])
        #expect(
            try rows(job: second) == [
                RequestOutcome(line: 1, state: .pending, attempts: 0, lastError: nil),
                RequestOutcome(line: 2, state: .failed, attempts: 4, lastError: "http_500"),
            ])
    }
}
