import Foundation

/// The monthly number-hygiene report: the numbers suppressed in the month and why, the suppressions that
/// lapsed in it (numbers re-checked), and the campaign variants carriers refused as content.
///
/// Phones are masked as in logs and receipts (`+86138****8000`); times are in the configuration's zone.
public struct HygieneReport: Codable, Hashable, Sendable {
    public var month: String
    public var suppressed: [Suppressed]
    public var lapsed: [Suppressed]
    public var contentBlocked: [ContentBlocked]

    public struct Suppressed: Codable, Hashable, Sendable {
        public var phone: String
        public var customerID: String
        public var failureClass: String
        /// The failures behind it, oldest first: for `suspended` the earlier one too.
        public var failures: [Failure]
        public var suppressedAt: String
        /// nil: does not lapse (carrier opt-out).
        public var lapsesAt: String?

        public init(phone: String, customerID: String, failureClass: FailureClass, failures: [Failure], suppressedAt: String, lapsesAt: String?) {
            self.phone = phone
            self.customerID = customerID
            self.failureClass = failureClass.rawValue
            self.failures = failures
            self.suppressedAt = suppressedAt
            self.lapsesAt = lapsesAt
        }
    }

    public struct Failure: Codable, Hashable, Sendable {
        public var code: String
        public var channel: String
        public var message: String
        public var at: String

        public init(code: String, channel: String, message: String, at: String) {
            self.code = code
            self.channel = channel
            self.message = message
            self.at = at
        }
    }

    public struct ContentBlocked: Codable, Hashable, Sendable {
        public var campaign: String
        public var variant: String
        public var count: Int
        public var lastCode: String
        public var lastAt: String

        public init(campaign: String, variant: String, count: Int, lastCode: String, lastAt: String) {
            self.campaign = campaign
            self.variant = variant
            self.count = count
            self.lastCode = lastCode
            self.lastAt = lastAt
        }
    }

    public init(month: String, suppressed: [Suppressed], lapsed: [Suppressed], contentBlocked: [ContentBlocked]) {
        self.month = month
        self.suppressed = suppressed
        self.lapsed = lapsed
        self.contentBlocked = contentBlocked
    }

    /// For people: one line a number or variant, each section saying when it is empty.
    public var text: String {
        var lines = ["Number hygiene, \(month)", "", "Suppressed (\(suppressed.count)):"]
        lines += suppressed.isEmpty ? ["  none"] : suppressed.map(Self.line)
        lines += ["", "Lapsed, re-checked from then on (\(lapsed.count)):"]
        lines += lapsed.isEmpty ? ["  none"] : lapsed.map(Self.line)
        lines += ["", "Content blocked: campaign variants carriers refused (\(contentBlocked.count)):"]
        lines += contentBlocked.isEmpty ? ["  none"] : contentBlocked.map { block in
            "  \(block.campaign)\(block.variant.isEmpty ? "" : " variant \(block.variant)"): \(block.count) refused, last \(block.lastCode) at \(block.lastAt)"
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func line(_ s: Suppressed) -> String {
        let codes = s.failures.map { "\($0.code) at \($0.at)" }.joined(separator: "; ")
        let lapse = s.lapsesAt.map { ", lapses \($0)" } ?? ", does not lapse"
        return "  \(s.phone) (customer \(s.customerID)): \(s.failureClass) since \(s.suppressedAt)\(lapse): \(codes)"
    }

    /// For spreadsheets: one row a number or variant; `section` says which list it is in.
    public var csv: String {
        var lines = [CSVField.line(["section", "phone", "customer_id", "class", "codes", "at", "lapses_at", "campaign", "variant", "count"])]
        for (section, rows) in [("suppressed", suppressed), ("lapsed", lapsed)] {
            for s in rows {
                let codes = s.failures.map { "\($0.code) at \($0.at)" }.joined(separator: "; ")
                lines.append(CSVField.line([section, s.phone, s.customerID, s.failureClass, codes, s.suppressedAt, s.lapsesAt ?? "", "", "", ""]))
            }
        }
        for block in contentBlocked {
            lines.append(CSVField.line(["content_blocked", "", "", "content_blocked", block.lastCode, block.lastAt, "", block.campaign,
                                        block.variant, String(block.count)]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}
