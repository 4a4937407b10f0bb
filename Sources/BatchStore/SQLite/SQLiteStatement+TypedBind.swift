import CSQLite

/// Typed, allocation-free parameter binding for hot statements.
///
/// The variadic ``SQLiteStatement/bind(_:)`` boxes every value in an existential and finds its
/// type with a dynamic cast; on a statement run once per request that is most of the binding's
/// cost. These overloads bind one parameter of a known type directly. Text is copied by SQLite
/// (`SQLITE_TRANSIENT`), so the caller's buffer need not outlive the call.
extension SQLiteStatement {
    /// Binds `value` to parameter `position` (1-based).
    @discardableResult
    public func bind(_ value: Int64, at position: Int32) throws -> SQLiteStatement {
        try check(sqlite3_bind_int64(handle, position, value))
        return self
    }

    /// Binds `value` to parameter `position` (1-based).
    @discardableResult
    public func bind(_ value: Int, at position: Int32) throws -> SQLiteStatement {
        try bind(Int64(value), at: position)
    }

    /// Binds `value`, or NULL, to parameter `position` (1-based).
    @discardableResult
    public func bind(_ value: Int64?, at position: Int32) throws -> SQLiteStatement {
        guard let value else {
            try check(sqlite3_bind_null(handle, position))
            return self
        }
        return try bind(value, at: position)
    }

    /// Binds `value`, or NULL, to parameter `position` (1-based).
    @discardableResult
    public func bind(_ value: String?, at position: Int32) throws -> SQLiteStatement {
        guard var value else {
            try check(sqlite3_bind_null(handle, position))
            return self
        }
        let rc = value.withUTF8 { utf8 in
            sqlite3_bind_text(
                handle, position,
                UnsafeRawPointer(utf8.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                    .assumingMemoryBound(to: CChar.self), Int32(utf8.count), SQLITE_TRANSIENT)
        }
        try check(rc)
        return self
    }
}
