extension Migrations {
    /// Kept answers (`cache_keep_bodies`): for an answer cache entry, its `response` deflated, so a
    /// hit survives its results file being deleted or changed.
    /// - `answer_bodies`: one row per entry that kept its body, keyed by the entry's key, with the
    ///   source (``Migrations/v10AnswerCache``'s `answer_sources`) of the entry it was written with:
    ///   a body is used only while the entry of its key still has that source, and is pruned with
    ///   it. A rowid table (the key is the rowid): bodies are a few hundred bytes, too large for
    ///   the narrow rows of a table without rowid.
    static let v11KeptBodies = Migration(
        "2026-12-08-kept-bodies",
        sql: """
            CREATE TABLE answer_bodies (
                key INTEGER PRIMARY KEY,
                source INTEGER NOT NULL,
                body BLOB NOT NULL
            );
            """
    )
}
