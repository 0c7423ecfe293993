import BeckonConfig
import BeckonCore
import BeckonReport
import BeckonStore
import Foundation
import Logging

/// `beckon run`'s daily report, beside the receipts: `outbox/reports/YYYY-MM-DD.html` for each finished local day
/// (in the configured zone).
///
/// When a day begins, the day before is written, and the one written last time again: delivery reports, clicks and
/// conversions keep arriving after a message's day (and a customer far east of the configured zone is already a
/// day ahead), so the second write is the one with the late arrivals in it. A report that cannot be written is
/// logged and tried again next cycle; it never stops sending.
struct DailyReports {
    static let writtenThroughKey = "report.daily_written_through"

    var folder: URL
    var builder: ReportBuilder
    var store: SQLiteStore
    var logger: Logger

    /// - Returns: the files written this time (none on most cycles).
    @discardableResult
    func writeFinishedDays(now: Date) -> [URL] {
        let today = LocalDate(now, in: builder.configuration.timeZone)
        let yesterday = today.adding(days: -1)
        do {
            let through = try store.value(for: Self.writtenThroughKey).flatMap(LocalDate.init(iso:))
            if let through, through >= yesterday { return [] }
            // A first run reports no day before it: it only notes where it started.
            guard let through else {
                try store.setValue(yesterday.description, for: Self.writtenThroughKey)
                return []
            }
            // The day written last time is written again (if it was written: not the first run's mark); after a
            // stop of several days, at most a week is caught up.
            let rewrite = FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(through).html").path)
            var day = max(rewrite ? through : through.adding(days: 1), yesterday.adding(days: -7))
            var written: [URL] = []
            while day <= yesterday {
                let file = folder.appendingPathComponent("\(day).html")
                try builder.write(ReportPeriod(from: day, to: day), format: .html, to: file, generatedAt: now)
                written.append(file)
                day = day.adding(days: 1)
            }
            try store.setValue(yesterday.description, for: Self.writtenThroughKey)
            if !written.isEmpty { logger.info("daily report written", metadata: ["files": "\(written.map(\.lastPathComponent))"]) }
            return written
        } catch {
            logger.warning("daily report not written; trying again next cycle", metadata: ["error": "\(error)"])
            return []
        }
    }
}
