import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonDispatch
import BeckonStore
import Foundation

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Settles messages whose outcome a crash left unknown, one or many at once.",
        discussion: """
            After a crash, a message that was handed to a channel which does not deduplicate is marked
            `unknown`: it may or may not have gone out, and Beckon will not guess. A delivery report settles
            it on its own; otherwise an operator checks the gateway's logs and says which it was:

              --sent     it went out: recorded as sent (counts toward caps), with a receipt
              --resend   it did not: scheduled again now, through the normal dispatch; a message whose
                         valid_until has passed is recorded as expired instead, never sent late

            Choose the messages by key (KEY arguments, --keys-file with one key a line), or every unknown
            message of a campaign and/or a date (--campaign, --date: the date in the key). Given keys must all
            be unknown, or nothing is changed. --dry-run lists what would be done and changes nothing.
            Receipts are rewritten for the hour of the change. Like every command that writes, it refuses to
            run while the daemon runs (exit status 75): stop it, resolve, start it again.

            Examples:
              beckon resolve birthday/0/C1/2026-11-24 --sent
              beckon resolve recall/2/C9/2026-11-24 recall/2/C12/2026-11-24 --resend
              beckon resolve --campaign birthday --date 2026-11-24 --resend --dry-run
              beckon resolve --keys-file sent-per-gateway.txt --sent
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Message keys: campaign/wave/customer/YYYY-MM-DD, as in the receipts.")
    var keys: [String] = []

    @Option(help: "A file of message keys, one a line (blank lines and lines starting with # are skipped).")
    var keysFile: String?

    @Option(help: "Every unknown message of this campaign.")
    var campaign: String?

    @Option(help: "Every unknown message of this date (YYYY-MM-DD, the date in the key).")
    var date: String?

    @Flag(help: "They went out.")
    var sent = false

    @Flag(help: "They did not go out: send them again (or expire them, past valid_until).")
    var resend = false

    @Flag(help: "Show what would be settled; change nothing.")
    var dryRun = false

    func validate() throws {
        guard sent != resend else { throw ValidationError("say --sent or --resend") }
        for key in keys where MessageKey(parsing: key) == nil {
            throw ValidationError("'\(key)' is not a message key (campaign/wave/customer/YYYY-MM-DD)")
        }
        if let date, LocalDate(iso: date) == nil { throw ValidationError("--date '\(date)' is not a date (YYYY-MM-DD)") }
        let byKey = !keys.isEmpty || keysFile != nil
        let byFilter = campaign != nil || date != nil
        guard byKey || byFilter else { throw ValidationError("name the messages: KEY..., --keys-file FILE, or --campaign/--date") }
        guard !(byKey && byFilter) else { throw ValidationError("choose messages either by key or by --campaign/--date, not both") }
    }

    /// What resolving one message does.
    enum Action: String {
        case sent = "recorded as sent"
        case resend = "scheduled to be sent again at the next cycle"
        case expired = "past its valid_until: recorded as expired"
    }

    func run() throws {
        let configuration = try options.load()
        let store = dryRun ? try options.openStore(configuration) : try options.openStoreForWriting(configuration, command: "beckon resolve")
        let now = SystemClock().now
        let entries = try selectedEntries(store)
        guard !entries.isEmpty else {
            print("no unknown messages\(campaign.map { " of campaign \($0)" } ?? "")\(date.map { " on \($0)" } ?? ""); nothing to do")
            return
        }
        var outcomes: [DispatchOutcome] = []
        var counts: [Action: Int] = [:]
        for entry in entries {
            let key = entry.message.key
            let action: Action = sent ? .sent : entry.message.validUntil > now ? .resend : .expired
            switch action {
            case .sent: outcomes.append(DispatchOutcome(key: key, status: .sent, reasonCode: "resolved_sent_by_operator"))
            case .resend: outcomes.append(DispatchOutcome(key: key, status: .scheduled, reasonCode: "resend_by_operator", retryAt: now))
            case .expired: outcomes.append(DispatchOutcome(key: key, status: .expired, reasonCode: "past_valid_until"))
            }
            counts[action, default: 0] += 1
            let detail = action == .expired ? " (valid until \(ISOInstant.format(entry.message.validUntil, in: configuration.timeZone)))" : ""
            print("\(key): \(dryRun ? "would be " : "")\(action.rawValue)\(detail)")
        }
        let total = [Action.sent, .resend, .expired].compactMap { action in counts[action].map { "\($0) \(action.rawValue)" } }
        if dryRun {
            print("dry run: \(entries.count) unknown messages; would be \(total.joined(separator: ", ")); nothing was changed")
            return
        }
        try store.record(outcomes, at: now)
        let writer = ReceiptWriter(folder: configuration.outbox.appendingPathComponent("receipts"), timeZone: configuration.timeZone,
                                   ledger: store, includeFullPhone: configuration.receiptsFullPhone, jsonLines: configuration.receiptsJSONLines)
        try writer.writeChanged()
        print("resolved \(entries.count): \(total.joined(separator: ", "))")
    }

    /// The `unknown` ledger rows chosen. Keys given by hand must all exist and be unknown: a typo or a
    /// message a report already settled stops the whole command before anything changes.
    func selectedEntries(_ store: SQLiteStore) throws -> [LedgerEntry] {
        if campaign != nil || date != nil {
            let keys = try store.unknownKeys(campaign: campaign, localDate: date.flatMap(LocalDate.init(iso:)))
            return try store.entries(for: keys).values.filter { $0.status == .unknown }.sorted { $0.message.key < $1.message.key }
        }
        var texts = keys
        if let keysFile {
            let contents: String
            do { contents = try String(contentsOfFile: keysFile, encoding: .utf8) } catch {
                throw ValidationError("cannot read --keys-file \(keysFile): \(error.localizedDescription)")
            }
            for (index, raw) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.isEmpty || line.hasPrefix("#") { continue }
                guard MessageKey(parsing: line) != nil else {
                    throw ValidationError("\(keysFile):\(index + 1): '\(line)' is not a message key (campaign/wave/customer/YYYY-MM-DD)")
                }
                texts.append(line)
            }
        }
        var seen = Set<String>()
        let unique = texts.filter { seen.insert($0).inserted }.compactMap(MessageKey.init(parsing:))
        let found = try store.entries(for: unique)
        var problems: [String] = []
        for key in unique {
            guard let entry = found[key] else { problems.append("no message with key \(key) in the ledger"); continue }
            if entry.status != .unknown {
                problems.append("\(key) is \(entry.status.rawValue), not unknown: only a message whose outcome is unknown can be resolved")
            }
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(20).joined(separator: "\n")
            let more = problems.count > 20 ? "\n... and \(problems.count - 20) more" : ""
            throw ValidationError("\(shown)\(more)\nnothing was changed")
        }
        return unique.compactMap { found[$0] }
    }
}
