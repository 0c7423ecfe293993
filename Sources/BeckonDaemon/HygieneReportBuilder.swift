import BeckonCore
import BeckonStore
import Foundation

/// Reads one month of number hygiene from the store into a `HygieneReport` (`beckon hygiene`).
public enum HygieneReportBuilder {
    /// - Parameter month: `YYYY-MM`, its days in `zone`.
    public static func report(month: String, zone: TimeZone, store: SQLiteStore) throws -> HygieneReport? {
        guard let interval = interval(of: month, in: zone) else { return nil }
        func format(_ date: Date) -> String { ISOInstant.format(date, in: zone) }
        func row(_ s: HygieneSuppressionRow) -> HygieneReport.Suppressed {
            HygieneReport.Suppressed(
                phone: maskPhone(s.failure.phone), customerID: s.failure.customerID, failureClass: s.failure.failureClass,
                failures: s.behind.map { HygieneReport.Failure(code: $0.code, channel: $0.channel, message: $0.messageKey, at: format($0.at)) },
                suppressedAt: format(s.failure.at), lapsesAt: s.lapsesAt.map(format))
        }
        let (made, lapsed) = try store.hygieneSuppressions(in: interval)
        let blocks = try store.contentBlocks(since: interval.start, until: interval.end).map {
            HygieneReport.ContentBlocked(campaign: $0.campaign, variant: $0.variant, count: $0.count, lastCode: $0.lastCode, lastAt: format($0.lastAt))
        }
        return HygieneReport(month: month, suppressed: made.map(row), lapsed: lapsed.map(row), contentBlocked: blocks)
    }

    /// From the first day of the month to the first of the next, at midnight in `zone`; nil unless `YYYY-MM`.
    public static func interval(of month: String, in zone: TimeZone) -> DateInterval? {
        let parts = month.split(separator: "-")
        guard month.count == 7, parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]), (1...12).contains(number),
              let first = LocalDate(iso: String(format: "%04d-%02d-01", year, number)) else { return nil }
        let next = number == 12 ? LocalDate(iso: String(format: "%04d-01-01", year + 1)) : LocalDate(iso: String(format: "%04d-%02d-01", year, number + 1))
        guard let next else { return nil }
        return DateInterval(start: first.start(in: zone), end: next.start(in: zone))
    }
}
