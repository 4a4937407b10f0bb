/// A named, frozen change to the database schema.
///
/// Rules: a migration that has shipped never changes; a new need gets a new migration appended
/// to ``Migrations/all``. Each migration runs once, in its own transaction, recorded by name.
public struct Migration: Sendable {
    public let name: String
    public let sql: String

    public init(_ name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// Applies ``Migration``s in order, skipping those already recorded.
public enum Migrator {
    /// Brings the database up to date. Safe to call from several processes at once: each
    /// migration is checked and applied under the write lock.
    public static func migrate(_ connection: SQLiteConnection, migrations: [Migration] = Migrations.all)
        throws
    {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY NOT NULL,
                applied_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """)
        for migration in migrations {
            try connection.transaction {
                let check = try connection.statement("SELECT 1 FROM schema_migrations WHERE name = ?")
                try check.bind(migration.name)
                if try check.step() { return }
                try connection.execute(migration.sql)
                try connection.statement(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, strftime('%s','now'))"
                ).bind(migration.name).run()
            }
        }
    }

    /// The names of the migrations recorded in the database, in the order applied (by time, then
    /// name: names start with their date). `schema_migrations` is `WITHOUT ROWID`, so it has no rowid.
    public static func applied(_ connection: SQLiteConnection) throws -> [String] {
        let statement = try connection.statement(
            "SELECT name FROM schema_migrations ORDER BY applied_at, name")
        var names: [String] = []
        while try statement.step() { names.append(statement.string(0)) }
        return names
    }
}
