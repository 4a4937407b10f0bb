/// A failed SQLite call: the result code, SQLite's message and the statement being run.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The primary or extended SQLite result code (`SQLITE_BUSY` is 5, `SQLITE_CONSTRAINT` 19, …).
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// Whether the failure is a constraint violation (UNIQUE, CHECK, NOT NULL, foreign key).
    public var isConstraintViolation: Bool { code & 0xFF == 19 }

    public var description: String {
        if let sql { return "SQLite error \(code): \(message) (in: \(sql))" }
        return "SQLite error \(code): \(message)"
    }
}
