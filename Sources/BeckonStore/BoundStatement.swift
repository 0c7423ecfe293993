import GRDB
import GRDBSQLite

/// One execution of a GRDB cached statement with its values bound straight through `sqlite3_bind_*`.
///
/// Written by hand for the three hot loops (customer upserts, message inserts, dispatch outcomes): GRDB's
/// `StatementArguments` box every value in an existential and its row decoding looks columns up by name, and
/// together they cost more than SQLite's own work per row in import and dispatch profiles. The statement stays
/// GRDB's (cached, run inside GRDB's transaction), so only binding and stepping are done here.
struct BoundStatement {
    let statement: Statement
    private var index: Int32 = 0
    private var raw: OpaquePointer { statement.sqliteStatement }

    init(_ statement: Statement) {
        self.statement = statement
        sqlite3_reset(statement.sqliteStatement)
    }

    /// Binds every byte of `value`, by its length: bound as a C string (length -1), `VIC-0001<NUL>x` became
    /// `VIC-0001` and overwrote that customer.
    mutating func bind(_ value: String?) {
        index += 1
        guard var value else {
            sqlite3_bind_null(raw, index)
            return
        }
        let statement = self.raw, position = self.index
        value.withUTF8 { bytes in
            // An empty string has no base address; SQLite needs a non-null pointer for '' (null would bind NULL).
            let base = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? emptyText
            _ = sqlite3_bind_text64(statement, position, base, sqlite3_uint64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
        }
    }

    mutating func bind(_ value: Double?) {
        index += 1
        if let value { sqlite3_bind_double(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    mutating func bind(_ value: Int) {
        index += 1
        sqlite3_bind_int64(raw, index, Int64(value))
    }

    /// Runs a statement that returns no rows.
    func execute(in db: Database) throws {
        defer { sqlite3_reset(raw) }
        let code = sqlite3_step(raw)
        guard code == SQLITE_DONE else { throw error(code, in: db) }
    }

    /// Runs a query and hands its first row (if any) to `read`, columns by position.
    func first<T>(in db: Database, _ read: (Columns) -> T) throws -> T? {
        defer { sqlite3_reset(raw) }
        let code = sqlite3_step(raw)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw error(code, in: db) }
        return read(Columns(raw: raw))
    }

    /// Runs a query and collects every row as `read` decodes it, columns by position.
    func all<T>(in db: Database, _ read: (Columns) -> T) throws -> [T] {
        var rows: [T] = []
        try forEachRow(in: db) { rows.append(read($0)) }
        return rows
    }

    /// Runs a query and hands every row to `body`, columns by position, without collecting them.
    func forEachRow(in db: Database, _ body: (Columns) throws -> Void) throws {
        defer { sqlite3_reset(raw) }
        while true {
            let code = sqlite3_step(raw)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code, in: db) }
            try body(Columns(raw: raw))
        }
    }

    private func error(_ code: Int32, in db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
    }

    /// The current row's columns, by position.
    struct Columns {
        let raw: OpaquePointer

        /// The whole text, by its length (never cut at a NUL).
        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(raw, column) else { return nil }
            let count = Int(sqlite3_column_bytes(raw, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }

        func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(raw, column)) }

        func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }

        func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    }
}

/// SQLite copies the bound text before `sqlite3_bind_text` returns (the Swift string is temporary).
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A valid pointer for binding the empty string.
nonisolated(unsafe) private let emptyText: UnsafePointer<CChar> = {
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return UnsafePointer(pointer)
}()
