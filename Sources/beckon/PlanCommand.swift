import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonStore
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Lists what would be sent in an interval, without sending or changing anything.",
        discussion: """
            Runs the planner and the send gate over every customer for the interval, against the real
            ledger (so caps, earlier messages and messages already scheduled count): each message is known
            from the instant its trigger fires and each customer's day is decided at every send time, as
            the daemon would. Prints each message that would be sent, and each message already in the
            ledger for the interval with its state (scheduled, sent, dropped ...), with its local time, what
            happens to it and its text; then a summary per campaign: due, to send, already in the ledger,
            stopped by reason.

            Examples:
              beckon plan --from 2026-11-24 --to 2026-11-25
              beckon plan --from 2026-11-24T00:00:00+08:00 --to 2026-12-01T00:00:00+08:00 --json
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Start of the interval (ISO 8601; a bare date means its midnight in the configured zone).")
    var from: String

    @Option(help: "End of the interval (exclusive).")
    var to: String

    @Flag(help: "Print JSON (one object with `messages` and `summary`) instead of text.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let store = try options.openStore(configuration)
        guard let start = try parseInstant(from, configuration: configuration),
              let end = try parseInstant(to, configuration: configuration), end > start else {
            throw ValidationError("--to must be later than --from")
        }
        let preview = try PlanPreview(configuration: configuration, store: store)
        let interval = DateInterval(start: start, end: end)
        var items: [PlanPreview.Item] = []
        try store.forEachActiveCustomerBatch(batchSize: 5_000) { customers in
            // Planned as seen at the start of the interval; each customer's day is decided at every send time.
            items += try preview.interval(for: customers, DateInterval(start: start, end: end.addingTimeInterval(-0.001)))
        }
        let listed = items.filter { Self.sendTime($0, in: interval) != nil || Self.scheduledIn($0, interval) }
            .sorted { (Self.listTime($0, in: interval), $0.key) < (Self.listTime($1, in: interval), $1.key) }
        let summary = Self.summary(items, in: interval)
        if json {
            try printJSON(listed, summary, interval: interval)
        } else {
            for item in listed {
                guard let message = item.message else { continue }
                let count = SegmentCounter.count(message.text)
                print([ISOInstant.format(Self.listTime(item, in: interval), in: item.zone), Self.outcome(item, in: interval),
                       item.campaign, message.variant.isEmpty ? "-" : message.variant,
                       item.customer.id, maskPhone(message.phone), "\(message.text.count)", count.encoding.rawValue,
                       "\(count.segments)", message.text].joined(separator: "\t"))
            }
            print("")
            print(Self.table(summary))
        }
    }

    /// When the preview sent it inside the interval, if it did.
    static func sendTime(_ item: PlanPreview.Item, in interval: DateInterval) -> Date? {
        guard let sent = item.changes.last(where: { $0.after == .sent }), let at = sent.decidedAt,
              at >= interval.start, at < interval.end else { return nil }
        return at
    }

    /// A message already in the ledger whose send time falls in the interval: listed whatever its state.
    static func scheduledIn(_ item: PlanPreview.Item, _ interval: DateInterval) -> Bool {
        guard let existing = item.existing else { return false }
        return existing.message.sendAt >= interval.start && existing.message.sendAt < interval.end
    }

    static func listTime(_ item: PlanPreview.Item, in interval: DateInterval) -> Date {
        sendTime(item, in: interval) ?? item.existing?.message.sendAt ?? item.message?.sendAt ?? interval.start
    }

    /// `send` (will go, new or already scheduled), or the state it is in or is predicted to end in, with the reason.
    static func outcome(_ item: PlanPreview.Item, in interval: DateInterval) -> String {
        if sendTime(item, in: interval) != nil { return item.existing == nil ? "send" : "send (scheduled)" }
        if let change = item.changes.last, change.after != .scheduled {
            return change.after.rawValue + (change.reason.map { " \($0.code)" } ?? "")
        }
        guard let existing = item.existing else { return "new" }
        return existing.status.rawValue + (existing.reasonCode.map { " \($0)" } ?? "")
    }

    struct CampaignSummary: Encodable {
        var campaign: String
        var due = 0
        var toSend = 0
        var alreadyInLedger = 0
        /// SMS parts the messages to send will cost.
        var segments = 0
        /// Occurrences kept from the customer to measure lift (global holdout or the campaign's control); also in `stopped`.
        var heldOut = 0
        var stopped: [String: Int] = [:]
    }

    static func summary(_ items: [PlanPreview.Item], in interval: DateInterval) -> [CampaignSummary] {
        var byCampaign: [String: CampaignSummary] = [:]
        for item in items {
            var row = byCampaign[item.campaign] ?? CampaignSummary(campaign: item.campaign)
            if item.occurrence != nil { row.due += 1 }
            if item.existing != nil { row.alreadyInLedger += 1 }
            if sendTime(item, in: interval) != nil {
                row.toSend += 1
                row.segments += SegmentCounter.count(item.message?.text ?? "").segments
            } else if item.existing == nil || !(item.changes.isEmpty) {
                // Stopped by the planner or by the gate; a message left scheduled goes after the interval.
                let code = item.changes.last.flatMap { $0.after == .scheduled ? nil : $0.reason?.code } ?? item.reason?.code
                if item.occurrence != nil || code != nil { row.stopped[code ?? "after_interval", default: 0] += 1 }
                if Holdout.group(ofReasonCode: code) != nil { row.heldOut += 1 }
            }
            byCampaign[item.campaign] = row
        }
        return byCampaign.values.sorted { $0.campaign < $1.campaign }
    }

    static func table(_ rows: [CampaignSummary]) -> String {
        var lines = ["campaign\tdue\tto send\tsegments\talready\theld out\tstopped"]
        for row in rows {
            let stopped = row.stopped.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("\(row.campaign)\t\(row.due)\t\(row.toSend)\t\(row.segments)\t\(row.alreadyInLedger)\t\(row.heldOut)\t\(stopped.isEmpty ? "-" : stopped)")
        }
        return lines.joined(separator: "\n")
    }

    struct JSONMessage: Encodable {
        var key: String
        var campaign: String
        var customer_id: String
        var phone: String
        var send_at: String
        var valid_until: String
        var text: String
        var variant: String
        var characters: Int
        var encoding: String
        var segments: Int
        var reason: String
        /// The ledger state now (`new` when the ledger does not hold it yet).
        var state: String
        /// `send`, or what stops it (`dropped lower_priority`), or the state it stays in.
        var outcome: String
    }

    func printJSON(_ listed: [PlanPreview.Item], _ summary: [CampaignSummary], interval: DateInterval) throws {
        struct Output: Encodable {
            var messages: [JSONMessage]
            var summary: [CampaignSummary]
        }
        let messages = listed.compactMap { item -> JSONMessage? in
            guard let message = item.message else { return nil }
            let count = SegmentCounter.count(message.text)
            return JSONMessage(key: item.key.description, campaign: item.campaign, customer_id: item.customer.id,
                               phone: maskPhone(message.phone), send_at: ISOInstant.format(Self.listTime(item, in: interval), in: item.zone),
                               valid_until: ISOInstant.format(message.validUntil, in: item.zone), text: message.text,
                               variant: message.variant, characters: message.text.count, encoding: count.encoding.rawValue,
                               segments: count.segments, reason: item.occurrence?.reason ?? message.reason,
                               state: item.existing?.status.rawValue ?? "new", outcome: Self.outcome(item, in: interval))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(Output(messages: messages, summary: summary)), as: UTF8.self))
    }
}
