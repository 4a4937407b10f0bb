import BatchCore
import Testing

@testable import BatchStore

/// Two processes sharing the database file, simulated by two `Store`s (two connections).
@Suite("Queue: two connections on one file")
struct QueueSharingTests {
    let fixture: QueueFixture
    var store: Store { fixture.store }

    init() throws { fixture = try QueueFixture() }

    @Test("a store that has read a job can still write after another store wrote")
    func readThenWrite() throws {
        let other = try Store(path: store.path)
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        // A one-row lookup on each connection, then writes alternating between them.
        #expect(try store.read { try $0.job(id) }?.id == id)
        #expect(try other.read { try $0.job(id) }?.id == id)
        let second = try other.write { try $0.insertJob(QueueFixture.newJob(input: "/other.jsonl")) }
        let third = try store.write { try $0.insertJob(QueueFixture.newJob(input: "/third.jsonl")) }
        #expect(try other.read { try $0.job(third) }?.inputPath == "/third.jsonl")
        #expect(try store.read { try $0.job(second) }?.inputPath == "/other.jsonl")
    }

    @Test("a write transaction that looked a row up does not block the other store")
    func lookupInsideWrite() throws {
        let other = try Store(path: store.path)
        let id = try store.write { tx in
            let id = try tx.insertJob(QueueFixture.newJob())
            _ = try tx.job(id)
            return id
        }
        try other.write { try $0.setState(job: id, .paused, now: QueueFixture.now) }
        try store.write { try $0.setState(job: id, .queued, now: QueueFixture.now) }
        #expect(try other.read { try $0.job(id) }?.state == .queued)
    }

    @Test("two stores writing at the same time both succeed")
    func concurrentWriters() async throws {
        let second = try Store(path: store.path)
        let perStore = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, handle) in [store, second].enumerated() {
                group.addTask {
                    for n in 0..<perStore {
                        let id = try handle.write {
                            try $0.insertJob(QueueFixture.newJob(input: "/s\(index)/\(n).jsonl"))
                        }
                        _ = try handle.read { try $0.job(id) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seenByFirst = try store.read { try $0.jobs(limit: 1_000) }
        let seenBySecond = try second.read { try $0.jobs(limit: 1_000) }
        #expect(seenByFirst.count == 2 * perStore)
        #expect(seenBySecond.map(\.id) == seenByFirst.map(\.id))
        #expect(Set(seenByFirst.map(\.inputPath)).count == 2 * perStore)
    }
}
