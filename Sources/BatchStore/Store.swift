import Foundation
import Synchronization

/// The durable queue: one SQLite database shared by the daemon and every `batchctl`.
///
/// Guarantees: every write runs in a `BEGIN IMMEDIATE` transaction, so readers never see half
/// of one and concurrent writers wait (up to the busy timeout) instead of failing; the schema is
/// migrated on open. Calls are serialized within the process.
public final class Store: Sendable {
    private let lock = Mutex(())
    /// Only touched while `lock` is held.
    private nonisolated(unsafe) let connection: SQLiteConnection
    public let path: String

    /// Opens the database at `path`, creating its folder and the file if needed.
    public init(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let connection = try SQLiteConnection(path: path)
        try Migrator.migrate(connection)
        self.connection = connection
        self.path = path
    }

    /// Runs `body` outside any explicit transaction (each statement is atomic on its own).
    public func read<T: Sendable>(_ body: (QueueTransaction) throws -> T) throws -> T {
        try lock.withLock { _ in
            defer { connection.resetStatements() }
            return try body(QueueTransaction(connection: connection))
        }
    }

    /// Runs `body` in one write transaction: all of it is committed, or none.
    public func write<T: Sendable>(_ body: (QueueTransaction) throws -> T) throws -> T {
        try lock.withLock { _ in
            try connection.transaction {
                try body(QueueTransaction(connection: connection))
            }
        }
    }
}

/// The queue's operations, valid inside one ``Store/read(_:)`` or ``Store/write(_:)`` call.
public struct QueueTransaction {
    let connection: SQLiteConnection
    /// Target ids found during this transaction (see ``RequestTargetCache``).
    let targets = RequestTargetCache()

    init(connection: SQLiteConnection) {
        self.connection = connection
    }
}
