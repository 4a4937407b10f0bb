import BatchStore
import BatchTesting
import Testing

@Suite("SQLiteConnection")
struct SQLiteConnectionTests {
    let directory: TemporaryDirectory
    let connection: SQLiteConnection

    init() throws {
        directory = try TemporaryDirectory()
        connection = try SQLiteConnection(path: directory.path("test.sqlite"))
    }

    private func count(_ table: String) throws -> Int {
        let statement = try connection.statement("SELECT count(*) FROM \(table)")
        #expect(try statement.step())
        return statement.int(0)
    }

    @Test("the journal is in WAL mode and foreign keys are on")
    func pragmas() throws {
        let journal = try connection.statement("PRAGMA journal_mode")
        #expect(try journal.step())
        #expect(journal.string(0) == "wal")
        let foreignKeys = try connection.statement("PRAGMA foreign_keys")
        #expect(try foreignKeys.step())
        #expect(foreignKeys.int(0) == 1)
    }

    @Test("every bindable type round-trips")
    func bindAndStep() throws {
        try connection.execute(
            "CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER, d REAL, e INTEGER, f TEXT, g TEXT)")
        let text = "héllo \"world\" 😀\n"
        try connection.statement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(Int64.max, -42, Int32.min, 3.25, true, text, nil).run()
        #expect(connection.changes == 1)
        try connection.statement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(Int64.min, 0, Int32.max, -0.5, false, "", "x").run()
        let select = try connection.statement("SELECT a, b, c, d, e, f, g FROM t ORDER BY rowid")
        #expect(try select.step())
        #expect(select.int64(0) == Int64.max)
        #expect(select.int(1) == -42)
        #expect(select.int64(2) == Int64(Int32.min))
        #expect(select.double(3) == 3.25)
        #expect(select.int(4) == 1)
        #expect(select.string(5) == text)
        #expect(select.isNull(6))
        #expect(select.optionalString(6) == nil)
        #expect(select.optionalInt64(6) == nil)
        #expect(try select.step())
        #expect(select.int64(0) == Int64.min)
        #expect(select.int64(2) == Int64(Int32.max))
        #expect(select.double(3) == -0.5)
        #expect(select.int(4) == 0)
        #expect(select.optionalString(5) == "")
        #expect(select.optionalString(6) == "x")
        #expect(try select.step() == false)
    }

    @Test("a cached statement is reset and rebound on reuse")
    func statementReuse() throws {
        try connection.execute("CREATE TABLE t (v INTEGER)")
        for value in [3, 5, 8] {
            try connection.statement("INSERT INTO t VALUES (?)").bind(value).run()
        }
        let sum = try connection.statement("SELECT sum(v) FROM t WHERE v > ?")
        try sum.bind(4)
        #expect(try sum.step())
        #expect(sum.int(0) == 13)
        let again = try connection.statement("SELECT sum(v) FROM t WHERE v > ?")
        try again.bind(0)
        #expect(try again.step())
        #expect(again.int(0) == 16)
    }

    struct Boom: Error {}

    @Test("a transaction whose body throws is rolled back")
    func rollback() throws {
        try connection.execute("CREATE TABLE t (v INTEGER)")
        #expect(throws: Boom.self) {
            try connection.transaction {
                try connection.statement("INSERT INTO t VALUES (?)").bind(1).run()
                try connection.statement("INSERT INTO t VALUES (?)").bind(2).run()
                throw Boom()
            }
        }
        #expect(try count("t") == 0)
        let value = try connection.transaction {
            try connection.statement("INSERT INTO t VALUES (?)").bind(7).run()
            return connection.lastInsertRowID
        }
        #expect(value == 1)
        #expect(try count("t") == 1)
    }

    @Test("SQL errors carry the code, the message and the statement")
    func errors() throws {
        let error = try #require(throws: SQLiteError.self) {
            try connection.statement("SELECT * FROM no_such_table")
        }
        #expect(error.message.contains("no_such_table"))
        #expect(error.sql == "SELECT * FROM no_such_table")
        #expect(!error.isConstraintViolation)

        try connection.execute("CREATE TABLE u (v INTEGER NOT NULL UNIQUE)")
        try connection.statement("INSERT INTO u VALUES (?)").bind(1).run()
        let duplicate = try #require(throws: SQLiteError.self) {
            try connection.statement("INSERT INTO u VALUES (?)").bind(1).run()
        }
        #expect(duplicate.isConstraintViolation)
    }
}
