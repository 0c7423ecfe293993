import BeckonCore
import Foundation

/// Rows of a coupons file: `pool` (or `campaign`, a pool named after its campaign), `code`, `expires_on` (after
/// the `columns:` mapping).
///
/// Whether a code is already in its pool (from another row of this file or another file) is checked against the
/// store when the batch is committed (`InboxProcessor`), since this parser reads no store.
struct CouponRowParser: Sendable {
    let columns: [String: Int]
    let file: String
    let zone: TimeZone
    let now: Date
    /// `pool`, or `campaign` when the file names campaigns instead.
    let poolColumn: String

    init(header: [String], file: String, aliases: [String: String], zone: TimeZone, now: Date) throws(UnreadableFile) {
        let columns = try CustomerRowParser.columnIndex(header, file: file, aliases: aliases)
        let pool = columns["pool"] != nil ? "pool" : "campaign"
        let missing = [pool, "code", "expires_on"].filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw UnreadableFile(file: file, reason: "a coupons file needs columns pool (or campaign), code, expires_on; missing \(missing.joined(separator: ", ")); header is: \(header.joined(separator: ","))")
        }
        self.columns = columns
        self.file = file
        self.zone = zone
        self.now = now
        poolColumn = pool
    }

    func parse(_ record: CSVReader.Record) -> Result<Coupon, RowError> {
        func value(_ c: String) -> String { columns[c].flatMap { $0 < record.fields.count ? record.fields[$0].trimmedSpaces : nil } ?? "" }
        func failure(_ field: String, _ reason: String) -> Result<Coupon, RowError> {
            .failure(RowError(file: file, line: record.line, field: field, value: value(field), reason: reason))
        }
        let pool = value(poolColumn)
        guard !pool.isEmpty else { return failure(poolColumn, "empty \(poolColumn): which pool the code belongs to") }
        let code = value("code")
        guard !code.isEmpty else { return failure("code", "empty code") }
        // A code goes into a text message as it is: a control character or a line break would corrupt it.
        guard !code.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) || $0.properties.isWhitespace }) else {
            return failure("code", "has a space, line break or control character")
        }
        guard let expiresOn = FieldParsers.date(value("expires_on")) else { return failure("expires_on", "not a date (YYYY-MM-DD)") }
        let today = LocalDate(now, in: zone)
        guard expiresOn >= today else {
            return failure("expires_on", "expired on arrival: the last valid day \(expiresOn) is before today (\(today) in \(zone.identifier))")
        }
        return .success(Coupon(pool: pool, code: code, expiresOn: expiresOn))
    }
}
