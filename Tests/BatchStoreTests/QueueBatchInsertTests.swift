import BatchCore
import Testing

@testable import BatchStore

/// `insertRequests` records what `insertRequest` would, one multi-row statement per batch.
@Suite("Queue: batched request inserts")
struct QueueBatchInsertTests {
    let fixture: QueueFixture
    var store: Store { fixture.store }

    init() throws { fixture = try QueueFixture() }

    @Test("duplicates within a batch, across batches and against earlier rows are refused; the first wins")
    func duplicates() throws {
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        try store.write { _ = try $0.insertRequest(job: id, QueueFixture.request(line: 1, customID: "old")) }
        // 150 lines span three batches; ids repeat inside one batch (3, 5), across batches (10, 140)
        // and an id recorded in an earlier transaction (line 1).
        var ids = (2...151).map { "id-\($0)" }
        ids[5 - 2] = "id-3"
        ids[140 - 2] = "id-10"
        ids[70 - 2] = "old"
        let requests = zip(2...151, ids).map { QueueFixture.request(line: $0, customID: $1) }
        let refused = try store.write { try $0.insertRequests(job: id, requests) }
        #expect(refused.map { requests[$0].line } == [5, 70, 140])
        let pending = try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 1_000) }
        #expect(pending.count == 1 + 150 - 3)
        #expect(try store.read { try $0.line(ofCustomID: "id-3", job: id) } == 3)
        #expect(try store.read { try $0.line(ofCustomID: "id-10", job: id) } == 10)
        #expect(try store.read { try $0.line(ofCustomID: "old", job: id) } == 1)
    }

    @Test("every field round-trips, for batches of every size", arguments: [1, 63, 64, 65, 200])
    func roundTrip(count: Int) throws {
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        let requests = (1...count).map { line in
            var request = QueueFixture.request(line: line, model: line.isMultiple(of: 3) ? "a" : "b")
            request.cost = line * 7
            // Hashes with the top bit set, without it, and unknown.
            request.lineHash =
                line.isMultiple(of: 5) ? nil : UInt32.max - UInt32(line) * (line % 2 == 0 ? 1 : 1 << 20)
            return request
        }
        #expect(try store.write { try $0.insertRequests(job: id, requests) }.isEmpty)
        let pending = try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 1_000) }
        #expect(
            pending
                == requests.map {
                    PendingRequest(
                        line: $0.line, offset: $0.offset, length: $0.length, customID: $0.customID,
                        path: $0.path,
                        model: $0.model, attempts: 0, nextAttemptAt: Timestamp(milliseconds: 0),
                        cost: $0.cost,
                        lineHash: $0.lineHash)
                })
    }

    @Test("an empty list records nothing")
    func empty() throws {
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        #expect(try store.write { try $0.insertRequests(job: id, []) }.isEmpty)
        #expect(try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 10) }.isEmpty)
    }
}
