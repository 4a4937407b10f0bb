import BatchCore
import CSQLite

/// One connection to a SQLite database file, configured for several processes sharing the file:
/// WAL journal, a busy timeout, foreign keys on.
///
/// Not thread-safe: the owner serializes access (see ``Store``). Prepared statements are cached
/// by their SQL text and reused.
public final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, busyTimeout: Duration = .seconds(10)) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: "cannot open \(path): \(message)")
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Int32(busyTimeout.wholeMillisecondsRoundedUp))
        try execute("PRAGMA journal_mode = WAL")
        // FULL: every commit is on disk when it returns (WAL's NORMAL may lose the last ones on a
        // power loss). A commit marks requests done; a lost one would send them, and pay, again.
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA foreign_keys = ON")
        // Checkpoint every 8192 WAL pages (32 MiB at 4 KiB pages; SQLite's default is 1000): a large
        // ingest rewrites the same index pages in commit after commit, and each checkpoint copies
        // them to the database file again and syncs it.
        try execute("PRAGMA wal_autocheckpoint = 8192")
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows needed by the caller.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// A prepared statement for `sql`, cached and reset for reuse.
    public func statement(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            throw SQLiteError(code: rc, message: lastErrorMessage, sql: sql)
        }
        let statement = SQLiteStatement(raw, connection: handle, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in a transaction. `BEGIN IMMEDIATE` takes the write lock up front, so a
    /// transaction that reads and then writes never fails half-way with "database is locked".
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            resetStatements()
            try execute("COMMIT")
            return result
        } catch {
            resetStatements()
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Resets every cached statement. A statement left after its first rows (a lookup of one row)
    /// keeps a read transaction open, which pins an old WAL snapshot: this connection's next
    /// `BEGIN IMMEDIATE` then fails at once with `SQLITE_BUSY` once another connection has written.
    public func resetStatements() {
        for statement in statements.values { statement.reset() }
    }

    /// The number of rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}
