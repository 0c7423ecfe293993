import BeckonCore
import BeckonStore
import Crypto
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
    /// Also write each hour as JSON Lines (`receipts-...THH.jsonl`) beside the CSV.
    public let jsonLines: Bool

    public static let columns = ["key", "campaign", "variant", "customer_id", "phone", "channel", "provider_message_id",
                                 "status", "reason_code", "provider_code", "segments", "encoding", "planned_at", "event_at", "source"]

    public init(folder: URL, timeZone: TimeZone, ledger: any MessageLedger, includeFullPhone: Bool = false, jsonLines: Bool = false) {
        self.folder = folder
        self.jsonLines = jsonLines
        self.timeZone = timeZone
        self.ledger = ledger
        self.includeFullPhone = includeFullPhone
    }

    /// Rewrites the file of every local hour that `interval` touches, then each touched day's summary.
    @discardableResult
    public func writeHours(covering interval: DateInterval) throws -> [URL] {
        var written: [URL] = []
        var days: [LocalDate] = []
        var hourStart = startOfHour(containing: interval.start)
        while hourStart <= interval.end {
            let hour = DateInterval(start: hourStart, duration: 3600)
            written += try writeHour(hour)
            let day = LocalDate(hourStart, in: timeZone)
            if days.last != day { days.append(day) }
            hourStart = hour.end
        }
        for day in days { written.append(try writeSummary(day)) }
        return written
    }

    /// `summary.json` of a local day: counts per campaign, variant and status, and the SHA-256 of every
    /// receipt file of the day, so the ERP side can check it received them whole.
    @discardableResult
    public func writeSummary(_ day: LocalDate) throws -> URL {
        let dayFolder = folder.appendingPathComponent(day.description)
        let interval = DateInterval(start: day.start(in: timeZone), end: day.adding(days: 1).start(in: timeZone))
        let counts = try ledger.receiptCounts(in: interval)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dayFolder.path)) ?? []
        var hashes: [String: String] = [:]
        for name in files.sorted() where name.hasPrefix("receipts-") && !name.hasPrefix(".") {
            let data = try Data(contentsOf: dayFolder.appendingPathComponent(name))
            hashes[name] = SHA256.hash(data: data).hexString
        }
        var campaigns: [String: [String: [String: Int]]] = [:]
        var totals: [String: Int] = [:]
        for count in counts {
            campaigns[count.campaign, default: [:]][count.variant.isEmpty ? "-" : count.variant, default: [:]][count.status.rawValue, default: 0] += count.count
            totals[count.status.rawValue, default: 0] += count.count
        }
        let summary: [String: Any] = [
            "date": day.description, "timezone": timeZone.identifier, "totals": totals,
            "campaigns": campaigns, "files": hashes.map { ["name": $0.key, "sha256": $0.value] }.sorted { ($0["name"] ?? "") < ($1["name"] ?? "") },
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        let url = dayFolder.appendingPathComponent("summary.json")
        try AtomicFile.write(data + Data("\n".utf8), to: url)
        return url
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

    func writeHour(_ hour: DateInterval) throws -> [URL] {
        let url = file(forHourStarting: hour.start)
        var csv: [UInt8] = []
        CSVField.appendRecord(Self.columns, to: &csv)
        var lines = Data()
        var events = 0
        var timestamps = TimestampText(timeZone: timeZone)
        try ledger.forEachReceiptEvent(in: hour) { event in
            events += 1
            let fields = row(event, timestamps: &timestamps)
            CSVField.appendRecord(fields, to: &csv)
            if jsonLines {
                let object = Dictionary(uniqueKeysWithValues: zip(Self.columns, fields))
                lines += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
            }
        }
        guard events > 0 else { return [] }
        try AtomicFile.write(Data(csv), to: url)
        guard jsonLines else { return [url] }
        let jsonURL = url.deletingPathExtension().appendingPathExtension("jsonl")
        try AtomicFile.write(lines, to: jsonURL)
        return [url, jsonURL]
    }

    func row(_ event: ReceiptEvent, timestamps: inout TimestampText) -> [String] {
        [event.key.description, event.key.campaign, event.variant, event.key.customer,
         includeFullPhone ? event.phone : maskPhone(event.phone), event.channel, event.providerID ?? "",
         event.status.rawValue, event.reasonCode ?? "", event.providerCode ?? "", String(event.segments), event.encoding,
         timestamps.planned(event.plannedAt), timestamps.event(event.eventAt), event.source]
    }

    /// The last formatted second of each timestamp column: a batch plans its messages for one instant and
    /// thousands of receipts share each second, so most rows reuse the text of the row before.
    struct TimestampText {
        let timeZone: TimeZone
        private var lastPlanned: (instant: Date, text: String)?
        private var lastEvent: (instant: Date, text: String)?

        init(timeZone: TimeZone) { self.timeZone = timeZone }

        mutating func planned(_ instant: Date) -> String { Self.text(instant, in: timeZone, reusing: &lastPlanned) }
        mutating func event(_ instant: Date) -> String { Self.text(instant, in: timeZone, reusing: &lastEvent) }

        private static func text(_ instant: Date, in zone: TimeZone, reusing last: inout (instant: Date, text: String)?) -> String {
            // Same whole second (the format has no fraction), so the same text.
            if let last, floor(last.instant.timeIntervalSince1970) == floor(instant.timeIntervalSince1970) { return last.text }
            let text = ISOInstant.format(instant, in: zone)
            last = (instant, text)
            return text
        }
    }

}
