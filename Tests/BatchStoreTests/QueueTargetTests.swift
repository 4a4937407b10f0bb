import BatchCore
import Testing

@testable import BatchStore

/// Requests name their operation and model through `request_targets`; the queue's answers are
/// the same as when each row held the texts.
@Suite("Queue: request targets")
struct QueueTargetTests {
    let fixture: QueueFixture
    var store: Store { fixture.store }

    init() throws { fixture = try QueueFixture() }

    @Test("models and paths round-trip across transactions and jobs; models(job:) lists one job's")
    func roundTrip() throws {
        let (a, b) = try store.write { tx in
            (try tx.insertJob(QueueFixture.newJob()), try tx.insertJob(QueueFixture.newJob()))
        }
        try store.write { tx in
            _ = try tx.insertRequest(job: a, QueueFixture.request(line: 1, model: "m1"))
            _ = try tx.insertRequest(job: b, QueueFixture.request(line: 1, model: "m2"))
        }
        try store.write { tx in
            _ = try tx.insertRequest(job: a, QueueFixture.request(line: 2, model: "m1"))
            var embedding = QueueFixture.request(line: 3, model: "m2")
            embedding.path = "embeddings"
            _ = try tx.insertRequest(job: a, embedding)
        }
        let pending = try store.read { try $0.pendingRequests(job: a, afterLine: 0, limit: 10) }
        #expect(pending.map(\.model) == ["m1", "m1", "m2"])
        #expect(pending.map(\.path) == ["chat/completions", "chat/completions", "embeddings"])
        #expect(Set(try store.read { try $0.models(job: a) }) == ["m1", "m2"])
        #expect(try store.read { try $0.models(job: b) } == ["m2"])
    }

    @Test("a rolled-back transaction leaves no target behind for the next one")
    func rollback() throws {
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try store.write { tx in
                _ = try tx.insertRequest(job: id, QueueFixture.request(line: 1, model: "gone"))
                throw Abort()
            }
        }
        let inserted = try store.write {
            try $0.insertRequest(job: id, QueueFixture.request(line: 1, model: "gone"))
        }
        #expect(inserted)
        #expect(
            try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 10) }.map(\.model) == [
                "gone"
            ])
    }
}
