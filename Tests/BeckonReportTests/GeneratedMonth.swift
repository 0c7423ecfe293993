import BeckonCore
import BeckonStore
import Foundation
import GRDB

/// A month of ledger rows, clicks and opt-outs drawn from a fixed seed, written into a real store, with the
/// counts a report must show computed here independently of the store's queries.
struct GeneratedMonth {
    struct Expected {
        var due: [String: Int] = [:]
        var held: [String: [String: Int]] = [:]
        var failed: [String: Int] = [:]
        var sent: [String: Int] = [:]
        var delivered: [String: Int] = [:]
        var clicked: [String: Int] = [:]
        var clickedByVariant: [String: Int] = [:]
        var botClicks = 0
        var segments = 0
        var optOuts: [String: Int] = [:]
        /// [event][day][hour] in each customer's own zone.
        var deliveredCells = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        var clickedCells = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        var carrierSent: [String: Int] = [:]
        var failureCodes: [String: Int] = [:]
        var heldOut: [String: Int] = [:]
        /// Conversions credited to the period's messages, counted once a message, by campaign/variant.
        var clickThrough: [String: Int] = [:]
        var viewThrough: [String: Int] = [:]
        var revenue: [String: Double] = [:]
        var convertedCells = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        /// Conversions drawn after their message's window closed (never credited to it).
        var lateConversions = 0
        /// winback's rows in the period, sent (billed) or in the control, and how many converted within 7 days.
        var treated = Proportion(0, of: 0)
        var control = Proportion(0, of: 0)
    }

    /// One ledger row as drawn, with what attribution and lift look at.
    struct LedgerRow {
        var campaign, variant, status: String
        var control: Bool
        var sendAt, deliveredAt: Date
        var inPeriod: Bool
        var humanClicks: [Date] = []
    }

    /// winback's control group: 10% of customers, drawn from the customer id by the rule the planner uses.
    static let winbackControl = HoldoutGroup(basisPoints: 1_000, salt: Holdout.defaultControlSalt(campaign: "winback"))
    /// winback's conversion process: within 7 days of the send time, 6% for variant a, 12% for b, 5% for the
    /// control (and rows neither sent nor held out). Variants are drawn 50/50, so the sent group's true rate is
    /// 9% and the true lift 4 points.
    static let conversionRates = (a: 0.06, b: 0.12, control: 0.05)
    static let trueLift = (conversionRates.a + conversionRates.b) / 2 - conversionRates.control
    static let window: TimeInterval = 7 * 86_400

    static let campaigns = ["winback", "birthday"]
    static let variants = ["a", "b"]
    static let from = LocalDate(iso: "2026-11-01")!
    static let to = LocalDate(iso: "2026-11-30")!

    var expected = Expected()
    private var random: SplitMix

    init(seed: UInt64) {
        random = SplitMix(seed: seed)
    }

    /// The zone a customer lives in, as the store records it (nil: the number's country decides).
    private static let zones: [(stored: String?, phone: String, zone: String)] = [
        ("Asia/Shanghai", "+86138", "Asia/Shanghai"), (nil, "+86186", "Asia/Shanghai"), (nil, "+86189", "Asia/Shanghai"),
        ("Europe/Berlin", "+49151", "Europe/Berlin"), ("Asia/Kolkata", "+91981", "Asia/Kolkata"),
    ]

    mutating func write(customers: Int, into store: SQLiteStore) throws {
        var expected = Expected()
        var random = self.random
        try store.writer.write { db in
            for index in 0..<customers {
                let id = String(format: "C%05d", index)
                let place = Self.zones[Int(random.next() % UInt64(Self.zones.count))]
                let phone = place.phone + String(format: "%08d", index)
                try db.run("INSERT INTO customer (id, name, phone, timezone) VALUES (?, ?, ?, ?)", [id, "客户\(index)", phone, place.stored])
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: place.zone)!
                var sentRows: [LedgerRow] = []
                let heldOut = Self.winbackControl.contains(id)
                for campaign in Self.campaigns {
                    // One message a campaign, on a day of November or, for a few, of October (outside the period).
                    let outside = random.next() % 20 == 0
                    let day = LocalDate(year: 2026, month: outside ? 10 : 11, day: 1 + Int(random.next() % 30))!
                    let variant = Self.variants[Int(random.next() % 2)]
                    let key = "\(campaign)/0/\(id)/\(day)"
                    let sendAt = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 9 + Int(random.next() % 10),
                                                                    minute: Int(random.next() % 60)))!
                    let draw = random.next() % 100
                    var status = "delivered", reason: String?, code: String?
                    switch draw {
                    case 0..<4: status = "suppressed"; reason = ["quiet_hours", "frequency_cap", "opted_out"][Int(random.next() % 3)]
                    case 4..<6: status = "expired"; reason = "window_passed"
                    case 6..<9: status = "failed"; code = "HTTP 400"
                    case 9..<16: status = "undelivered"; code = ["UNDELIV", "MK:0001", "EXPIRED"][Int(random.next() % 3)]
                    case 16..<18: status = "sent"
                    default: break
                    }
                    if campaign == "winback" && heldOut { status = "suppressed"; reason = Holdout.controlCode; code = nil }
                    let segments = status == "suppressed" || status == "expired" ? 0 : 1 + Int(random.next() % 2)
                    let deliveredAt = sendAt.addingTimeInterval(Double(5 + random.next() % 600))
                    try db.run("""
                        INSERT INTO message (key, campaign, wave, customer_id, local_date, category, phone, channel, text, variant, reason,
                            send_at, valid_until, status, provider_code, reason_code, segments, encoding, created_at, updated_at)
                        VALUES (?, ?, 0, ?, ?, 'marketing', ?, 'sms', '亲爱的客户', ?, '', ?, ?, ?, ?, ?, ?, 'UCS2', ?, ?)
                        """, [key, campaign, id, day.description, phone, variant, sendAt.timeIntervalSince1970,
                                         sendAt.timeIntervalSince1970 + 7200, status, code, reason, segments,
                                         sendAt.timeIntervalSince1970 - 3600, (status == "delivered" ? deliveredAt : sendAt).timeIntervalSince1970])
                    if status == "delivered" {
                        try db.run("INSERT INTO delivery_report (channel, message_key, part, status, received_at) VALUES ('sms', ?, '', 'delivered', ?)",
                                       [key, deliveredAt.timeIntervalSince1970])
                    }
                    sentRows.append(LedgerRow(campaign: campaign, variant: variant, status: status, control: reason == Holdout.controlCode, sendAt: sendAt,
                                        deliveredAt: deliveredAt, inPeriod: !outside))
                    guard !outside else { continue }
                    expected.due[campaign, default: 0] += 1
                    if reason == Holdout.controlCode {
                        expected.heldOut[campaign, default: 0] += 1
                    } else if let reason, status != "failed" { expected.held[campaign, default: [:]][reason, default: 0] += 1 }
                    if status == "failed" { expected.failed[campaign, default: 0] += 1; expected.failureCodes[code!, default: 0] += 1 }
                    guard ["sent", "delivered", "undelivered"].contains(status) else { continue }
                    expected.sent[campaign, default: 0] += 1
                    expected.segments += segments
                    expected.carrierSent[Carrier.name(ofPrefix: String(phone.prefix(6))), default: 0] += 1
                    if status == "undelivered" { expected.failureCodes[code!, default: 0] += 1 }
                    guard status == "delivered" else { continue }
                    expected.delivered[campaign, default: 0] += 1
                    Self.count(deliveredAt, in: calendar, into: &expected.deliveredCells)
                    // Variant b is clicked more often; a clicked message is clicked 1-3 times, and link previews
                    // (bots) open some messages too.
                    let token = String(format: "T%06d", index * 2 + (campaign == "winback" ? 0 : 1))
                    try db.run("INSERT INTO link (token, message_key, campaign, variant, target, created_at, expires_at) VALUES (?, ?, ?, ?, 'https://shop.example/', ?, ?)",
                                   [token, key, campaign, variant, sendAt.timeIntervalSince1970, sendAt.timeIntervalSince1970 + 86_400 * 60])
                    if random.next() % 10 == 0 {
                        try Self.click(db, token: token, key: key, campaign: campaign, variant: variant, at: deliveredAt.addingTimeInterval(1), bot: "too_soon", unique: false)
                        expected.botClicks += 1
                    }
                    guard random.next() % 100 < (variant == "b" ? 20 : 10) else { continue }
                    expected.clicked[campaign, default: 0] += 1
                    expected.clickedByVariant[campaign + "/" + variant, default: 0] += 1
                    for repeatIndex in 0..<(1 + Int(random.next() % 3)) {
                        let at = deliveredAt.addingTimeInterval(Double(60 + repeatIndex * 3_600) + Double(random.next() % 86_400))
                        try Self.click(db, token: token, key: key, campaign: campaign, variant: variant, at: at, bot: nil, unique: repeatIndex == 0)
                        Self.count(at, in: calendar, into: &expected.clickedCells)
                        sentRows[sentRows.count - 1].humanClicks.append(at)
                    }
                    if random.next() % 50 == 0 {
                        try db.run("INSERT INTO suppression (phone, source, at) VALUES (?, 'opt_out_reply', ?)",
                                       [phone, deliveredAt.timeIntervalSince1970 + 86_400 * 3])
                    }
                }
                try Self.convert(db, customer: id, rows: sentRows, calendar: calendar, random: &random, into: &expected)
            }
        }
        // An opt-out is charged to the campaign of the number's last message sent before the reply.
        try store.writer.read { db in
            for row in try Row.fetchAll(db, sql: "SELECT phone, at FROM suppression WHERE source = 'opt_out_reply'") {
                let phone: String = row["phone"], at: Double = row["at"]
                let last = try Row.fetchOne(db, sql: """
                    SELECT campaign, local_date FROM message WHERE phone = ? AND send_at <= ? AND status IN ('sent', 'delivered', 'undelivered')
                    ORDER BY send_at DESC LIMIT 1
                    """, arguments: [phone, at])!
                if (Self.from.description...Self.to.description).contains(last["local_date"] as String) { expected.optOuts[last["campaign"], default: 0] += 1 }
            }
        }
        self.expected = expected
        self.random = random
    }

    /// Draws the customer's conversions from winback's process (and, for some, one after its window), stores
    /// them, and counts independently of the store what the report must show: per message of the period, the
    /// conversions in (delivery, delivery + 7 days] (the first counted, click-through when a person clicked
    /// before it; every amount summed), and for winback's lift whether any conversion came within 7 days of the
    /// send time.
    private static func convert(_ db: Database, customer: String, rows: [LedgerRow],
                                calendar: Calendar, random: inout SplitMix, into expected: inout Expected) throws {
        var conversions: [(at: Date, amount: Double)] = []
        func uniform() -> Double { Double(random.next() % 1_000_000) / 1_000_000 }
        for row in rows where row.campaign == "winback" {
            let billed = ["sent", "delivered", "undelivered"].contains(row.status)
            let rate = billed ? (row.variant == "b" ? conversionRates.b : conversionRates.a) : conversionRates.control
            if uniform() < rate {
                conversions.append((row.sendAt.addingTimeInterval(60 + uniform() * (window - 120)), Double(20 + random.next() % 300)))
            }
            // Some come back after the window: never credited to this message.
            if uniform() < 0.05 {
                conversions.append((row.sendAt.addingTimeInterval(window + 86_400 + uniform() * 86_400 * 3), Double(20 + random.next() % 300)))
                if row.inPeriod && row.status == "delivered" { expected.lateConversions += 1 }
            }
        }
        for (index, conversion) in conversions.enumerated() {
            try db.run("INSERT INTO conversion (customer_id, occurred_at, kind, amount, source) VALUES (?, ?, 'order', ?, ?)",
                           [customer, conversion.at.timeIntervalSince1970, conversion.amount, "generated:\(index)"])
        }
        for row in rows where row.inPeriod {
            let exposed = ["sent", "delivered", "undelivered"].contains(row.status)
            if row.campaign == "winback", exposed || row.control {
                let converted = conversions.contains { $0.at > row.sendAt && $0.at <= row.sendAt.addingTimeInterval(window) }
                let group = exposed ? expected.treated : expected.control
                let next = Proportion(group.successes + (converted ? 1 : 0), of: group.trials + 1)
                if exposed { expected.treated = next } else { expected.control = next }
            }
            guard row.status == "delivered" else { continue }
            let credited = conversions.filter { $0.at > row.deliveredAt && $0.at <= row.deliveredAt.addingTimeInterval(window) }
                .sorted { $0.at < $1.at }
            guard let first = credited.first else { continue }
            let series = row.campaign + "/" + row.variant
            if row.humanClicks.contains(where: { $0 <= first.at }) { expected.clickThrough[series, default: 0] += 1 } else { expected.viewThrough[series, default: 0] += 1 }
            expected.revenue[series, default: 0] += credited.map(\.amount).reduce(0, +)
            count(first.at, in: calendar, into: &expected.convertedCells)
        }
    }

    private static func click(_ db: Database, token: String, key: String, campaign: String, variant: String, at: Date, bot: String?, unique: Bool) throws {
        try db.run("INSERT INTO click (token, message_key, campaign, variant, at, method, user_agent, bot, is_unique) VALUES (?, ?, ?, ?, ?, 'GET', 'Mozilla/5.0', ?, ?)",
                       [token, key, campaign, variant, at.timeIntervalSince1970, bot, unique])
    }

    private static func count(_ instant: Date, in calendar: Calendar, into cells: inout [[Int]]) {
        let parts = calendar.dateComponents([.weekday, .hour], from: instant)
        cells[(parts.weekday! + 5) % 7][parts.hour!] += 1
    }
}

/// SplitMix64: a small seeded generator, so a failing month can be drawn again.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Database {
    /// Each INSERT prepared once for the whole month, not once a row: the month is 10,000 customers.
    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
