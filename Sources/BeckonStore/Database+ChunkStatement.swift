import GRDB

extension Database {
    /// The statement for one chunk of an `IN (?, ?, ...)` query.
    ///
    /// Full chunks share one SQL text, so they are compiled once and cached (compiling a 500-placeholder query
    /// per chunk showed in dispatch profiles); the last, shorter chunk of a list is compiled on its own, so the
    /// cache does not collect one statement per length over a daemon's life.
    func chunkStatement(full: Bool, sql: String) throws -> Statement {
        full ? try cachedStatement(sql: sql) : try makeStatement(sql: sql)
    }
}
