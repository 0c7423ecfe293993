import BeckonCore
import BeckonStore
import Foundation

/// Projects the ledger's receipt events into `outbox/receipts/YYYY-MM-DD/receipts-YYYY-MM-DDTHH.csv`.
///
/// The store is the source of truth; each hour's file is regenerated from it whole and replaced
/// atomically (temporary name, fsync, rename), so a reader never sees half a file and a lost file can
/// always be written again (`beckon receipts --date D`). Days and hours are local to `timeZone`.
public struct ReceiptWriter: Sendable {
    public let folder: URL
    public let timeZone: TimeZone
    public let ledger: any MessageLedger
    /// Full phone numbers only when the site's reconciliation needs them; masked by default.
    public let includeFullPhone: Bool

    public static let columns = ["key", "campaign", "variant", "customer_id", "phone", "channel", "provider_message_id",
                                 "status", "reason_code", "provider_code", "segments", "encoding", "planned_at", "event_at"]

    public init(folder: URL, timeZone: TimeZone, ledger: any MessageLedger, includeFullPhone: Bool = false) {
        self.folder = folder
        self.timeZone = timeZone
        self.ledger = ledger
        self.includeFullPhone = includeFullPhone
    }

    /// Rewrites the file of every local hour that `interval` touches.
    @discardableResult
    public func writeHours(covering interval: DateInterval) throws -> [URL] {
        var written: [URL] = []
        var hourStart = startOfHour(containing: interval.start)
        while hourStart <= interval.end {
            let hour = DateInterval(start: hourStart, duration: 3600)
            written.append(try writeHour(hour))
            hourStart = hour.end
        }
        return written
    }

    /// Rewrites every hour file of one local day.
    @discardableResult
    public func writeDay(_ day: LocalDate) throws -> [URL] {
        let start = day.start(in: timeZone)
        let end = day.adding(days: 1).start(in: timeZone)
        return try writeHours(covering: DateInterval(start: start, end: end.addingTimeInterval(-1)))
    }

    func startOfHour(containing instant: Date) -> Date {
        // Zone offsets are whole quarter hours; an hour starts where local minutes and seconds are zero.
        let offset = Double(timeZone.secondsFromGMT(for: instant))
        let local = instant.timeIntervalSince1970 + offset
        return Date(timeIntervalSince1970: floor(local / 3600) * 3600 - offset)
    }

    func file(forHourStarting start: Date) -> URL {
        let day = LocalDate(start, in: timeZone)
        let hour = Int((start.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: start))).truncatingRemainder(dividingBy: 86_400) / 3600)
        return folder.appendingPathComponent(day.description)
            .appendingPathComponent(String(format: "receipts-%@T%02d.csv", day.description, (hour + 24) % 24))
    }

    func writeHour(_ hour: DateInterval) throws -> URL {
        let url = file(forHourStarting: hour.start)
        let events = try ledger.receiptEvents(in: hour)
        guard !events.isEmpty else { return url }
        var text = CSVField.line(Self.columns) + "\r\n"
        for event in events { text += CSVField.line(row(event)) + "\r\n" }
        try AtomicFile.write(Data(text.utf8), to: url)
        return url
    }

    func row(_ event: ReceiptEvent) -> [String] {
        [event.key.description, event.key.campaign, event.variant, event.key.customer,
         includeFullPhone ? event.phone : maskPhone(event.phone), event.channel, event.providerID ?? "",
         event.status.rawValue, event.reasonCode ?? "", event.providerCode ?? "", String(event.segments), event.encoding,
         ISOInstant.format(event.plannedAt, in: timeZone), ISOInstant.format(event.eventAt, in: timeZone)]
    }

}
