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
                                 "status", "reason_code", "provider_code", "segments", "encoding", "planned_at", "event_at", "source", "coupon"]

    public init(folder: URL, timeZone: TimeZone, ledger: any MessageLedger, includeFullPhone: Bool = false, jsonLines: Bool = false) {
        self.folder = folder
        self.jsonLines = jsonLines
        self.timeZone = timeZone
        self.ledger = ledger
        self.includeFullPhone = includeFullPhone
    }

    /// Rewrites the file of every local hour that gained receipt events since the files last caught up, then
    /// the summary of each day they belong to, and records how far the files now reach.
    ///
    /// The backlog is the store's: events appended by dispatch, delivery reports, replies, planning decisions or
    /// `beckon resolve`, by this process or another, all have a later sequence than the files' mark. So every
    /// tick catches up whoever wrote, and a restart after a crash catches up too (the mark moves only after
    /// the files are written). When nothing is new it costs one indexed read.
    @discardableResult
    public func writeChanged() throws -> [URL] {
        let backlog = try ledger.receiptBacklog()
        guard backlog.lastSequence > backlog.writtenThrough else { return [] }
        var hours = Set<Date>()
        for quarter in backlog.quarterHours {
            // Both ends of the quarter hour: an hour boundary falls inside one only in a zone off whole quarters.
            hours.insert(startOfHour(containing: quarter))
            hours.insert(startOfHour(containing: quarter.addingTimeInterval(899)))
        }
        let written = try write(hours: hours.sorted(), through: backlog.lastSequence)
        try ledger.markReceiptsWritten(through: backlog.lastSequence)
        return written
    }

    /// Rewrites the file of every local hour that `interval` touches, then each touched day's summary.
    @discardableResult
    public func writeHours(covering interval: DateInterval) throws -> [URL] {
        var hours: [Date] = []
        var hourStart = startOfHour(containing: interval.start)
        while hourStart <= interval.end {
            hours.append(hourStart)
            hourStart = hourStart.addingTimeInterval(3600)
        }
        return try write(hours: hours, through: try ledger.lastReceiptSequence())
    }

    /// Rewrites every hour file of one local day.
    @discardableResult
    public func writeDay(_ day: LocalDate) throws -> [URL] {
        let start = day.start(in: timeZone)
        let end = day.adding(days: 1).start(in: timeZone)
        return try writeHours(covering: DateInterval(start: start, end: end.addingTimeInterval(-1)))
    }

    /// Writes the files of these hours and their days' summaries from the events up to `sequence`, one bound
    /// for all: a report landing meanwhile is in neither the files nor the counts (the next tick has it), so
    /// `summary.json` counts exactly the events of the files beside it.
    func write(hours: [Date], through sequence: Int64) throws -> [URL] {
        var written: [URL] = []
        var days: [LocalDate] = []
        var files = Set<URL>()
        for hourStart in hours {
            let day = LocalDate(hourStart, in: timeZone)
            if !days.contains(day) { days.append(day) }
            let url = file(forHourStarting: hourStart)
            // The repeated hour of a fall-back night has one file name for two hours: written once, with both.
            guard files.insert(url).inserted else { continue }
            written += try writeHour(fileInterval(forHourStarting: hourStart), to: url, through: sequence)
        }
        for day in days { written.append(try writeSummary(day, through: sequence)) }
        return written
    }

    /// `summary.json` of a local day: counts per campaign, variant and status, and the SHA-256 of every
    /// receipt file of the day, so the ERP side can check it received them whole.
    @discardableResult
    public func writeSummary(_ day: LocalDate) throws -> URL {
        try writeSummary(day, through: try ledger.lastReceiptSequence())
    }

    func writeSummary(_ day: LocalDate, through sequence: Int64) throws -> URL {
        let dayFolder = folder.appendingPathComponent(day.description)
        let interval = DateInterval(start: day.start(in: timeZone), end: day.adding(days: 1).start(in: timeZone))
        let counts = try ledger.receiptCounts(in: interval, through: sequence)
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

    /// The instants whose receipts go into the file of the hour starting at `start`: that hour, and on a
    /// fall-back night the hour before or after it with the same local name.
    func fileInterval(forHourStarting start: Date) -> DateInterval {
        let url = file(forHourStarting: start)
        var first = start
        var end = start.addingTimeInterval(3600)
        if file(forHourStarting: start.addingTimeInterval(-3600)) == url { first = start.addingTimeInterval(-3600) }
        if file(forHourStarting: end) == url { end = end.addingTimeInterval(3600) }
        return DateInterval(start: first, end: end)
    }

    func writeHour(_ hour: DateInterval, to url: URL, through sequence: Int64) throws -> [URL] {
        var csv: [UInt8] = []
        CSVField.appendRecord(Self.columns, to: &csv)
        var lines = Data()
        var events = 0
        var timestamps = TimestampText(timeZone: timeZone)
        try ledger.forEachReceiptEvent(in: hour, through: sequence) { event in
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
         timestamps.planned(event.plannedAt), timestamps.event(event.eventAt), event.source, event.coupon ?? ""]
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
