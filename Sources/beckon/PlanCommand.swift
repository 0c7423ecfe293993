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
            ledger (so caps and earlier messages count), and prints each message with its local send time
            and text, then a summary per campaign: due, stopped by reason, to send.

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
        var items: [PlanPreview.Item] = []
        try store.forEachActiveCustomerBatch(batchSize: 5_000) { customers in
            // Decided as seen at the start of the interval; the gate judges each message at its send time.
            items += try preview.items(for: customers, in: DateInterval(start: start, end: end.addingTimeInterval(-0.001)), now: start)
        }
        let toSend = items.filter { if case .send(let at, _) = $0.verdict, $0.existing == nil { return at < end } else { return false } }
            .sorted { ($0.message!.sendAt, $0.key) < ($1.message!.sendAt, $1.key) }
        let summary = Self.summary(items, toSend: toSend)
        if json {
            try printJSON(toSend, summary)
        } else {
            for item in toSend {
                let message = item.message!
                let count = SegmentCounter.count(message.text)
                print([ISOInstant.format(message.sendAt, in: item.zone), item.campaign, message.variant.isEmpty ? "-" : message.variant,
                       item.customer.id, maskPhone(message.phone), "\(message.text.count)", count.encoding.rawValue,
                       "\(count.segments)", message.text].joined(separator: "\t"))
            }
            print("")
            print(Self.table(summary))
        }
    }

    struct CampaignSummary: Encodable {
        var campaign: String
        var due = 0
        var toSend = 0
        var alreadyInLedger = 0
        /// SMS parts the messages to send will cost.
        var segments = 0
        var stopped: [String: Int] = [:]
    }

    static func summary(_ items: [PlanPreview.Item], toSend: [PlanPreview.Item]) -> [CampaignSummary] {
        var byCampaign: [String: CampaignSummary] = [:]
        let sending = Set(toSend.map(\.key))
        for item in items {
            var row = byCampaign[item.campaign] ?? CampaignSummary(campaign: item.campaign)
            row.due += 1
            if item.existing != nil { row.alreadyInLedger += 1 }
            else if sending.contains(item.key) {
                row.toSend += 1
                row.segments += SegmentCounter.count(item.message?.text ?? "").segments
            }
            else { row.stopped[item.verdict.reason?.code ?? "after_interval", default: 0] += 1 }
            byCampaign[item.campaign] = row
        }
        return byCampaign.values.sorted { $0.campaign < $1.campaign }
    }

    static func table(_ rows: [CampaignSummary]) -> String {
        var lines = ["campaign\tdue\tto send\tsegments\talready\tstopped"]
        for row in rows {
            let stopped = row.stopped.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("\(row.campaign)\t\(row.due)\t\(row.toSend)\t\(row.segments)\t\(row.alreadyInLedger)\t\(stopped.isEmpty ? "-" : stopped)")
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
    }

    func printJSON(_ toSend: [PlanPreview.Item], _ summary: [CampaignSummary]) throws {
        struct Output: Encodable {
            var messages: [JSONMessage]
            var summary: [CampaignSummary]
        }
        let messages = toSend.map { item in
            let message = item.message!
            let count = SegmentCounter.count(message.text)
            return JSONMessage(key: item.key.description, campaign: item.campaign, customer_id: item.customer.id,
                               phone: maskPhone(message.phone), send_at: ISOInstant.format(message.sendAt, in: item.zone),
                               valid_until: ISOInstant.format(message.validUntil, in: item.zone), text: message.text,
                               variant: message.variant, characters: message.text.count, encoding: count.encoding.rawValue,
                               segments: count.segments, reason: item.occurrence.reason)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(Output(messages: messages, summary: summary)), as: UTF8.self))
    }
}
