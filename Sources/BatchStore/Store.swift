import BatchThreads
import Foundation
import Synchronization

/// The durable queue: one SQLite database shared by the daemon and every `batchctl`.
///
/// Callers see one method per transaction (the shape of GRDB's `AppDatabase`): `claim(job:…)`,
/// `pendingPage(job:after:limit:)`, `pause(job:…)`, `commit(_:)`, … Each takes and returns plain
/// records; none exposes the connection, a transaction or a thread.
/// - The `async` methods run their transaction off the threads that run Swift tasks
///   (``BlockingWork``): the store is one connection behind one lock, and another job's ingest chunk
///   or commit may hold it for tens of milliseconds.
/// - The few synchronous methods (an ingest chunk, an outcome commit, a lease renewal during
///   ingest) are for callers already on a blocking thread; each says so.
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

    /// Runs `body` outside any explicit transaction (each statement is atomic on its own), on the
    /// calling thread. Within BatchStore only: callers use the facade's methods.
    func read<T: Sendable>(_ body: (QueueTransaction) throws -> T) throws -> T {
        try lock.withLock { _ in
            defer { connection.resetStatements() }
            return try body(QueueTransaction(connection: connection))
        }
    }

    /// Runs `body` in one write transaction: all of it is committed, or none, on the calling thread.
    func write<T: Sendable>(_ body: (QueueTransaction) throws -> T) throws -> T {
        try lock.withLock { _ in
            try connection.transaction {
                try body(QueueTransaction(connection: connection))
            }
        }
    }

    /// ``read(_:)`` off the threads that run tasks.
    func reading<T: Sendable>(_ body: @escaping @Sendable (QueueTransaction) throws -> T) async throws -> T {
        try await BlockingWork.run { try self.read(body) }
    }

    /// ``write(_:)`` off the threads that run tasks.
    func writing<T: Sendable>(_ body: @escaping @Sendable (QueueTransaction) throws -> T) async throws -> T {
        try await BlockingWork.run { try self.write(body) }
    }
}

/// The queue's operations, valid inside one ``Store/read(_:)`` or ``Store/write(_:)`` call. The
/// facade's methods (`Store+….swift`) compose them into transactions.
public struct QueueTransaction {
    let connection: SQLiteConnection
    /// Target ids found during this transaction (see ``RequestTargetCache``).
    let targets = RequestTargetCache()

    init(connection: SQLiteConnection) {
        self.connection = connection
    }
}
