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
        abstract: "Settles a message whose outcome a crash left unknown.",
        discussion: """
            After a crash, a message that was handed to a channel which does not deduplicate is marked
            `unknown`: it may or may not have gone out, and Beckon will not guess. A delivery report settles
            it on its own; otherwise an operator checks the gateway's logs and says which it was:

              --sent     it went out: recorded as sent (counts toward caps), with a receipt
              --resend   it did not: scheduled again now, if still valid, through the normal dispatch

            Examples:
              beckon resolve birthday/0/C1/2026-11-24 --sent
              beckon resolve recall/2/C9/2026-11-24 --resend
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The message key: campaign/wave/customer/YYYY-MM-DD, as in the receipts.")
    var key: String

    @Flag(help: "It went out.")
    var sent = false

    @Flag(help: "It did not go out: send it again.")
    var resend = false

    func validate() throws {
        guard sent != resend else { throw ValidationError("say --sent or --resend") }
        guard MessageKey(parsing: key) != nil else { throw ValidationError("'\(key)' is not a message key (campaign/wave/customer/YYYY-MM-DD)") }
    }

    func run() throws {
        let configuration = try options.load()
        let store = try options.openStore(configuration)
        let messageKey = MessageKey(parsing: key)!
        let now = SystemClock().now
        guard let entry = try store.entry(for: messageKey) else { throw ValidationError("no message with key \(key) in the ledger") }
        guard entry.status == .unknown else {
            throw ValidationError("\(key) is \(entry.status.rawValue), not unknown: only a message whose outcome is unknown can be resolved")
        }
        if sent {
            try store.record([DispatchOutcome(key: messageKey, status: .sent, reasonCode: "resolved_sent_by_operator")], at: now)
            print("\(key): recorded as sent")
        } else {
            guard entry.message.validUntil > now else {
                try store.record([DispatchOutcome(key: messageKey, status: .expired, reasonCode: "past_valid_until")], at: now)
                print("\(key): its time to send ended at \(ISOInstant.format(entry.message.validUntil, in: configuration.timeZone)); recorded as expired")
                return
            }
            try store.record([DispatchOutcome(key: messageKey, status: .scheduled, reasonCode: "resend_by_operator", retryAt: now)], at: now)
            print("\(key): scheduled to be sent again at the next cycle")
        }
        let writer = ReceiptWriter(folder: configuration.outbox.appendingPathComponent("receipts"), timeZone: configuration.timeZone,
                                   ledger: store, includeFullPhone: configuration.receiptsFullPhone, jsonLines: configuration.receiptsJSONLines)
        try writer.writeHours(covering: DateInterval(start: now, end: now))
    }
}
