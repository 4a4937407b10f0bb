import BatchStore
import BatchTesting
import Testing

/// The `2026-11-22-requests-lean` migration: requests keep their data and their constraints.
@Suite("Migrations: lean requests")
struct LeanRequestsMigrationTests {
    let directory: TemporaryDirectory
    let connection: SQLiteConnection

    init() throws {
        directory = try TemporaryDirectory()
        connection = try SQLiteConnection(path: directory.path("lean.sqlite"))
    }

    private func count(_ sql: String) throws -> Int {
        let statement = try connection.statement(sql)
        #expect(try statement.step())
        return statement.int(0)
    }

    /// A migrated database with one job (id 1) and one target (id 1).
    private func migratedWithJob() throws {
        try Migrator.migrate(connection)
        try connection.execute(
            """
            INSERT INTO jobs (id, input_path, endpoint, created_at, input_size, input_mtime_ns)
                VALUES (1, '/in.jsonl', 'default', 1, 10, 2);
            INSERT INTO request_targets (id, url, model) VALUES (1, 'chat/completions', 'gpt');
            """)
    }

    private func insertRequest(line: Int, customID: String, target: Int = 1, cost: Int = 0) throws {
        try connection.statement(
            """
            INSERT INTO requests (job_id, line, offset, length, target_id, cost, custom_id)
            VALUES (1, ?, ?, 10, ?, ?, ?)
            """
        ).bind(line, line * 10, target, cost, customID).run()
    }

    @Test("rows written before the migration keep every field; url and model move to request_targets")
    func keepsRows() throws {
        let old = Array(Migrations.all.prefix { $0.name != "2026-11-22-requests-lean" })
        try Migrator.migrate(connection, migrations: old)
        try connection.execute(
            """
            INSERT INTO jobs (id, input_path, endpoint, created_at, input_size, input_mtime_ns)
                VALUES (1, '/in.jsonl', 'default', 1, 10, 2);
            INSERT INTO requests (job_id, line, offset, length, custom_id, url, model, state, attempts,
                next_attempt_at, last_error, cost)
            VALUES (1, 1, 0, 40, 'a', 'chat/completions', 'gpt-4o', 1, 2, 0, NULL, 30),
                (1, 2, 41, 50, 'b', 'embeddings', 'small', 0, 3, 9000, 'http_503', 7),
                (1, 3, 92, 45, 'c', 'chat/completions', 'gpt-4o', 2, 1, 0, 'http_400', 12);
            """)
        try Migrator.migrate(connection)
        let rows = try connection.statement(
            """
            SELECT r.line, r.offset, r.length, r.custom_id, t.url, t.model, r.state, r.attempts,
                r.next_attempt_at, r.last_error, r.cost
            FROM requests AS r JOIN request_targets AS t ON t.id = r.target_id ORDER BY r.line
            """)
        var seen: [String] = []
        while try rows.step() {
            seen.append(
                (0..<11).map { rows.isNull(Int32($0)) ? "nil" : rows.string(Int32($0)) }.joined(
                    separator: "|"))
        }
        #expect(
            seen == [
                "1|0|40|a|chat/completions|gpt-4o|1|2|0|nil|30",
                "2|41|50|b|embeddings|small|0|3|9000|http_503|7",
                "3|92|45|c|chat/completions|gpt-4o|2|1|0|http_400|12",
            ])
        #expect(try count("SELECT count(*) FROM request_targets") == 2)
        #expect(try count("SELECT count(*) FROM sqlite_master WHERE name = 'requests_pending'") == 0)
        #expect(try count("SELECT count(*) FROM sqlite_master WHERE name = 'requests_by_custom_id'") == 1)
    }

    @Test("a custom_id is unique within a job, not across jobs")
    func customIDUnique() throws {
        try migratedWithJob()
        try connection.execute(
            """
            INSERT INTO jobs (id, input_path, endpoint, created_at, input_size, input_mtime_ns)
                VALUES (2, '/other.jsonl', 'default', 1, 10, 2);
            INSERT INTO requests (job_id, line, offset, length, target_id, custom_id) VALUES (2, 1, 0, 10, 1, 'x');
            """)
        try insertRequest(line: 1, customID: "x")
        let error = try #require(throws: SQLiteError.self) { try insertRequest(line: 2, customID: "x") }
        #expect(error.isConstraintViolation)
    }

    @Test("a request naming an unknown target violates the foreign key")
    func unknownTarget() throws {
        try migratedWithJob()
        let error = try #require(throws: SQLiteError.self) {
            try insertRequest(line: 1, customID: "a", target: 7)
        }
        #expect(error.isConstraintViolation)
    }

    @Test("the CHECK constraints still hold", arguments: ["custom_id = ''", "cost = -1", "state = 3"])
    func checks(violation: String) throws {
        try migratedWithJob()
        try insertRequest(line: 1, customID: "a")
        let error = try #require(throws: SQLiteError.self) {
            try connection.execute("UPDATE requests SET \(violation) WHERE line = 1")
        }
        #expect(error.isConstraintViolation)
    }

    @Test("a target is one (url, model) pair, and neither may be empty")
    func targets() throws {
        try migratedWithJob()
        for values in ["('chat/completions', 'gpt')", "('', 'gpt')", "('chat/completions', '')"] {
            let error = try #require(throws: SQLiteError.self) {
                try connection.execute("INSERT INTO request_targets (url, model) VALUES \(values)")
            }
            #expect(error.isConstraintViolation)
        }
    }
}
