import CSQLite

/// A prepared statement: bind parameters (1-based), step through rows, read columns (0-based).
public final class SQLiteStatement {
    let handle: OpaquePointer
    private let connection: OpaquePointer
    public let sql: String

    init(_ handle: OpaquePointer, connection: OpaquePointer, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds `values` to parameters 1, 2, … in order.
    @discardableResult
    public func bind(_ values: (any SQLiteValue)?...) throws -> SQLiteStatement {
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let rc: Int32
            switch value {
            case nil: rc = sqlite3_bind_null(handle, position)
            case let value as Int64: rc = sqlite3_bind_int64(handle, position, value)
            case let value as Int: rc = sqlite3_bind_int64(handle, position, Int64(value))
            case let value as Int32: rc = sqlite3_bind_int64(handle, position, Int64(value))
            case let value as Double: rc = sqlite3_bind_double(handle, position, value)
            case let value as Bool: rc = sqlite3_bind_int64(handle, position, value ? 1 : 0)
            case let value as String: rc = sqlite3_bind_text(handle, position, value, -1, SQLITE_TRANSIENT)
            case let value as [UInt8]:
                rc = value.withUnsafeBytes {
                    sqlite3_bind_blob(handle, position, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT)
                }
            default: rc = SQLITE_MISMATCH
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
        return self
    }

    /// Advances to the next row; `false` when there are no more rows.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let failure = error(rc)
            sqlite3_reset(handle)
            throw failure
        }
    }

    /// Runs a statement that returns no rows.
    public func run() throws {
        while try step() {}
    }

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    public func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    /// The bytes of a blob column, or nil when it is NULL.
    public func optionalBlob(_ column: Int32) -> [UInt8]? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Throws the connection's error unless `rc` is `SQLITE_OK`.
    @inline(__always) func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    private func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}

/// A Swift value that can be bound to a statement parameter.
public protocol SQLiteValue {}
extension Int64: SQLiteValue {}
extension Int: SQLiteValue {}
extension Int32: SQLiteValue {}
extension Double: SQLiteValue {}
extension Bool: SQLiteValue {}
extension String: SQLiteValue {}
extension [UInt8]: SQLiteValue {}

/// SQLite's "copy the bytes now" destructor, which Swift cannot import as a macro.
let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
