import BatchCore
import BatchTesting
import Testing

@testable import BatchStore

/// The `2026-12-04-request-line-hash` migration and the `line_hash` column.
@Suite("Migrations: request line hashes")
struct LineHashMigrationTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    @Test("a request ingested before the migration has no line hash; one ingested after keeps its 32 bits")
    func beforeAndAfter() throws {
        let path = directory.path("hash.sqlite")
        let old = try SQLiteConnection(path: path)
        try Migrator.migrate(old, migrations: Array(Migrations.all.prefix(3)))
        try old.execute(
            """
            INSERT INTO jobs (id, input_path, endpoint, created_at, input_size, input_mtime_ns)
                VALUES (1, '/in.jsonl', 'default', 1, 10, 2);
            INSERT INTO request_targets (id, url, model) VALUES (1, 'chat/completions', 'gpt');
            INSERT INTO requests (job_id, line, offset, length, target_id, custom_id) VALUES (1, 1, 0, 10, 1, 'old');
            """)

        let store = try Store(path: path)
        var request = NewRequest(
            line: 2, offset: 11, length: 10, customID: "new", path: "chat/completions", model: "gpt")
        request.lineHash = 0xFFFF_FFFE
        #expect(try store.write { try $0.insertRequest(job: 1, request) })
        let pending = try store.read { try $0.pendingRequests(job: 1, afterLine: 0, limit: 10) }
        #expect(pending.map(\.lineHash) == [nil, 0xFFFF_FFFE])

        let stored = try old.statement("SELECT line_hash FROM requests WHERE line = 2")
        #expect(try stored.step())
        #expect(stored.int64(0) == -2, "the same 32 bits, signed: 4 bytes in the row")
    }

    @Test("a value outside 32 bits violates the CHECK constraint")
    func range() throws {
        let connection = try SQLiteConnection(path: directory.path("range.sqlite"))
        try Migrator.migrate(connection)
        try connection.execute(
            """
            INSERT INTO jobs (id, input_path, endpoint, created_at, input_size, input_mtime_ns)
                VALUES (1, '/in.jsonl', 'default', 1, 10, 2);
            INSERT INTO request_targets (id, url, model) VALUES (1, 'chat/completions', 'gpt');
            """)
        let error = try #require(throws: SQLiteError.self) {
            try connection.statement(
                """
                INSERT INTO requests (job_id, line, offset, length, target_id, custom_id, line_hash)
                VALUES (1, 1, 0, 10, 1, 'a', 4294967295)
                """
            ).run()
        }
        #expect(error.isConstraintViolation)
    }
}
