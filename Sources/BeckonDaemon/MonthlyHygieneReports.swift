import BeckonCore
import BeckonStore
import Foundation
import Logging

/// `beckon run`'s monthly number-hygiene report beside the daily ones: `outbox/reports/hygiene-YYYY-MM.csv` once
/// a month has finished (in the configured zone), the same as `beckon hygiene --month YYYY-MM --format csv`.
///
/// Written once: what it lists is dated when it happened, so a later write would find the same. A first run
/// writes no month before it (it only notes where it started), as the daily reports do. A report that cannot be
/// written is logged and tried again next cycle; it never stops sending.
struct MonthlyHygieneReports {
    static let writtenThroughKey = "report.hygiene_written_through"

    var folder: URL
    var zone: TimeZone
    var store: SQLiteStore
    var logger: Logger

    /// The month before the one `now` is in, as `YYYY-MM`.
    static func finishedMonth(at now: Date, in zone: TimeZone) -> String {
        let today = LocalDate(now, in: zone).description  // YYYY-MM-DD
        let firstOfMonth = LocalDate(iso: String(today.prefix(8)) + "01")!
        return String(firstOfMonth.adding(days: -1).description.prefix(7))
    }

    /// - Returns: the file written this time (nil on most cycles).
    @discardableResult
    func writeFinishedMonth(now: Date) -> URL? {
        let month = Self.finishedMonth(at: now, in: zone)
        do {
            let through = try store.value(for: Self.writtenThroughKey)
            if let through, through >= month { return nil }
            guard through != nil else {
                try store.setValue(month, for: Self.writtenThroughKey)
                return nil
            }
            guard let report = try HygieneReportBuilder.report(month: month, zone: zone, store: store) else { return nil }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("hygiene-\(month).csv")
            try Data(report.csv.utf8).write(to: file, options: .atomic)
            try store.setValue(month, for: Self.writtenThroughKey)
            logger.info("monthly hygiene report written", metadata: ["file": "\(file.lastPathComponent)"])
            return file
        } catch {
            logger.warning("monthly hygiene report not written; trying again next cycle", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
