import BatchCore
import BatchStore
import BatchTesting
import Testing

@Suite("Migrations")
struct MigrationTests {
    let directory: TemporaryDirectory
    let connection: SQLiteConnection

    init() throws {
        directory = try TemporaryDirectory()
        connection = try SQLiteConnection(path: directory.path("migrate.sqlite"))
    }

    private func insertJob(state: String) throws {
        try connection.statement(
            "INSERT INTO jobs (input_path, endpoint, state, created_at, input_size, input_mtime_ns) VALUES (?, ?, ?, ?, ?, ?)"
        ).bind("/in.jsonl", "default", state, 1, 10, 2).run()
    }

    @Test("migrating twice is a no-op and records every migration once")
    func migrateTwice() throws {
        try Migrator.migrate(connection)
        let names = Migrations.all.map(\.name)
        #expect(try Migrator.applied(connection) == names)
        try insertJob(state: "queued")
        try Migrator.migrate(connection)
        #expect(try Migrator.applied(connection) == names)
        let rows = try connection.statement("SELECT count(*) FROM jobs")
        #expect(try rows.step())
        #expect(rows.int(0) == 1)
    }

    @Test("only new migrations run, in order")
    func appendOnly() throws {
        let first = [
            Migration("a", sql: "CREATE TABLE a (x INTEGER)"),
            Migration("b", sql: "CREATE TABLE b (x INTEGER)"),
        ]
        try Migrator.migrate(connection, migrations: first)
        #expect(try Migrator.applied(connection) == ["a", "b"])
        // Running "a" again would fail: its table exists.
        try Migrator.migrate(
            connection, migrations: first + [Migration("c", sql: "CREATE TABLE c (x INTEGER)")])
        #expect(try Migrator.applied(connection) == ["a", "b", "c"])
    }

    @Test("a failing migration is rolled back and not recorded")
    func failingMigration() throws {
        let bad = Migration("bad", sql: "CREATE TABLE half (x INTEGER); INSERT INTO missing VALUES (1);")
        #expect(throws: SQLiteError.self) {
            try Migrator.migrate(connection, migrations: [Migration("ok", sql: "CREATE TABLE ok (x)"), bad])
        }
        #expect(try Migrator.applied(connection) == ["ok"])
        let table = try connection.statement("SELECT count(*) FROM sqlite_master WHERE name = 'half'")
        #expect(try table.step())
        #expect(table.int(0) == 0)
    }

    @Test("the CHECK constraint rejects an unknown job state", arguments: ["exploded", "QUEUED", ""])
    func badState(state: String) throws {
        try Migrator.migrate(connection)
        let error = try #require(throws: SQLiteError.self) { try insertJob(state: state) }
        #expect(error.isConstraintViolation)
    }

    @Test("every JobState is accepted by the CHECK constraint", arguments: JobState.allCases)
    func goodState(state: JobState) throws {
        try Migrator.migrate(connection)
        try insertJob(state: state.rawValue)
        let rows = try connection.statement("SELECT state FROM jobs")
        #expect(try rows.step())
        #expect(rows.string(0) == state.rawValue)
        #expect(try rows.step() == false)
    }

    @Test("the CHECK constraint names exactly the JobStates: near misses of each are rejected")
    func nearMisses() throws {
        try Migrator.migrate(connection)
        try #require(!JobState.allCases.isEmpty)
        let known = Set(JobState.allCases.map(\.rawValue))
        for state in JobState.allCases {
            for near in [
                state.rawValue.uppercased(), state.rawValue + " ", String(state.rawValue.dropLast()),
            ]
            where !known.contains(near) {
                let error = try #require(throws: SQLiteError.self, "\(near)") { try insertJob(state: near) }
                #expect(error.isConstraintViolation, "\(near)")
            }
        }
        let rows = try connection.statement("SELECT count(*) FROM jobs")
        #expect(try rows.step())
        #expect(rows.int(0) == 0)
    }

    @Test("a request for a missing job violates the foreign key")
    func foreignKey() throws {
        try Migrator.migrate(connection)
        let error = try #require(throws: SQLiteError.self) {
            try connection.statement(
                "INSERT INTO request_targets (id, url, model) VALUES (1, 'chat/completions', 'gpt')"
            ).run()
            try connection.statement(
                "INSERT INTO requests (job_id, line, offset, length, target_id, custom_id) VALUES (?, ?, ?, ?, ?, ?)"
            ).bind(999, 1, 0, 10, 1, "a").run()
        }
        #expect(error.isConstraintViolation)
    }
}
