import Foundation

/// Who a campaign is for: conditions that must all hold, each a small expression over the customer.
///
/// ```yaml
/// audience:
///   - tier in [gold, vip]
///   - tags contains mother-and-baby
///   - city = 上海                  # unknown names are attribute columns
///   - days_since_last_order > 30
///   - order_count >= 3
///   - total_spend >= 1000
///   - lifecycle in [at_risk, dormant]
///   - segment in [churn-risk, dormant]   # RFM segments named in config
///   - rfm_m >= 4                          # one RFM score, 1-5
/// ```
/// Parsed once; evaluation does no string parsing. A failed condition says why, for `explain`.
public struct AudienceRule: Hashable, Sendable {
    public struct Condition: Hashable, Sendable, CustomStringConvertible {
        public enum Op: String, Hashable, Sendable {
            case equal = "=", notEqual = "!=", `in` = "in", notIn = "not in", contains = "contains"
            case notContains = "not contains", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
        }
        public var field: String
        public var op: Op
        public var values: [String]
        let number: Double?
        public let description: String
    }

    public var conditions: [Condition]

    public init(conditions: [Condition] = []) {
        self.conditions = conditions
    }

    /// Parses `FIELD OP VALUE`; values are bare words, quoted strings, numbers or `[a, b]` lists.
    public static func parse(_ text: String) throws(AudienceError) -> Condition {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let ops: [Condition.Op] = [.notContains, .notIn, .contains, .in, .greaterOrEqual, .lessOrEqual, .notEqual, .equal, .greater, .less]
        for op in ops {
            let token = op.rawValue
            let isWord = token.first!.isLetter
            guard let range = trimmed.range(of: isWord ? " \(token) " : token) else { continue }
            let field = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let rawValue = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !field.isEmpty, field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw AudienceError(text: text, column: 0, reason: "expected a field name before '\(token)'")
            }
            guard !rawValue.isEmpty else {
                throw AudienceError(text: text, column: trimmed.distance(from: trimmed.startIndex, to: range.upperBound), reason: "expected a value after '\(token)'")
            }
            var values: [String]
            if rawValue.hasPrefix("[") {
                guard rawValue.hasSuffix("]") else {
                    throw AudienceError(text: text, column: trimmed.count, reason: "a list must end with ]")
                }
                values = rawValue.dropFirst().dropLast().split(separator: ",").map { unquote($0.trimmingCharacters(in: .whitespaces)) }
            } else {
                values = [unquote(rawValue)]
            }
            values = values.filter { !$0.isEmpty }
            if [.in, .notIn].contains(op), !rawValue.hasPrefix("[") {
                throw AudienceError(text: text, column: trimmed.distance(from: trimmed.startIndex, to: range.upperBound), reason: "'\(token)' needs a list, e.g. [gold, vip]")
            }
            let number = Double(values.first ?? "")
            if [.greater, .greaterOrEqual, .less, .lessOrEqual].contains(op), number == nil {
                throw AudienceError(text: text, column: trimmed.distance(from: trimmed.startIndex, to: range.upperBound), reason: "'\(token)' compares numbers; '\(rawValue)' is not one")
            }
            return Condition(field: field, op: op, values: values, number: number, description: trimmed)
        }
        throw AudienceError(text: text, column: 0, reason: "no operator (use =, !=, in, not in, contains, not contains, >, >=, <, <=)")
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" { return String(text.dropFirst().dropLast()) }
        return text
    }

    /// Everything besides the customer that a condition may need.
    public struct Context: Sendable {
        public var now: Date
        public var lifecycle: LifecycleStage.Thresholds
        public var segments: [RFMSegment]
        /// The customer's zone: days since the last order are counted in its local days.
        public var zone: TimeZone

        public init(now: Date, lifecycle: LifecycleStage.Thresholds = .init(), segments: [RFMSegment] = [], zone: TimeZone = .gmt) {
            self.zone = zone
            self.now = now
            self.lifecycle = lifecycle
            self.segments = segments
        }
    }

    /// Whether a condition reads RFM scores (`segment`, `rfm_r/f/m`): new boundaries can change who is in.
    public var usesRFM: Bool { conditions.contains { $0.field == "segment" || $0.field.hasPrefix("rfm_") } }

    /// Fields with a meaning of their own; any other name is an attribute column of the customer file.
    public static let knownFields: Set<String> = [
        "tier", "tags", "name", "customer_id", "order_count", "total_spend", "days_since_last_order",
        "lifecycle", "timezone", "segment", "rfm_r", "rfm_f", "rfm_m",
    ]

    /// The first condition the customer fails, with the value it had; nil when the customer is in.
    public func exclusion(of customer: Customer, in context: Context) -> String? {
        for condition in conditions {
            let holds = condition.isNumeric
                ? condition.holds(number: Self.number(of: condition.field, customer: customer, context: context))
                : condition.holds(for: Self.values(of: condition.field, customer: customer, context: context))
            if !holds {
                let actual = Self.values(of: condition.field, customer: customer, context: context)
                let shown = actual.isEmpty ? (condition.field.hasPrefix("rfm_") ? "not scored yet" : "empty") : actual.joined(separator: ", ")
                return "\(condition) (\(condition.field) is \(shown))"
            }
        }
        return nil
    }

    /// Numeric fields read without going through text: audiences run over every customer on every cycle.
    static func number(of field: String, customer: Customer, context: Context) -> Double? {
        switch field {
        case "order_count": return Double(customer.orderCount)
        case "total_spend": return customer.totalSpend
        case "days_since_last_order": return customer.lastOrderAt.map { Double(LifecycleStage.daysSince($0, at: context.now, in: context.zone)) }
        case "rfm_r": return customer.rfm.map { Double($0.recency) }
        case "rfm_f": return customer.rfm.map { Double($0.frequency) }
        case "rfm_m": return customer.rfm.map { Double($0.monetary) }
        default: return values(of: field, customer: customer, context: context).first.flatMap(Double.init)
        }
    }

    static func values(of field: String, customer: Customer, context: Context) -> [String] {
        switch field {
        case "tier": return customer.tier.map { [$0] } ?? []
        case "tags": return customer.tags
        case "name": return [customer.name]
        case "customer_id": return [customer.id]
        case "order_count", "total_spend", "days_since_last_order", "rfm_r", "rfm_f", "rfm_m":
            return number(of: field, customer: customer, context: context).map { [$0.rounded() == $0 ? String(Int($0)) : String($0)] } ?? []
        case "lifecycle": return [LifecycleStage.of(customer, at: context.now, thresholds: context.lifecycle, zone: context.zone).rawValue]
        case "timezone": return customer.timeZone.map { [$0] } ?? []
        case "segment":
            // Every segment the customer is in: segments may overlap.
            guard let score = customer.rfm else { return [] }
            return context.segments.filter { $0.contains(score) }.map(\.name)
        default: return customer.attributes[field].map { [$0] } ?? []
        }
    }
}

extension AudienceRule.Condition {
    func matches(_ actual: String, _ wanted: String) -> Bool {
        if actual.caseInsensitiveCompare(wanted) == .orderedSame { return true }
        return field != "tags" && actual.localizedCaseInsensitiveContains(wanted)
    }

    func holds(for actual: [String]) -> Bool {
        switch op {
        case .equal: return actual.contains { $0.caseInsensitiveCompare(values.first ?? "") == .orderedSame }
        case .notEqual: return !actual.contains { $0.caseInsensitiveCompare(values.first ?? "") == .orderedSame }
        case .in: return actual.contains { a in values.contains { $0.caseInsensitiveCompare(a) == .orderedSame } }
        case .notIn: return !actual.contains { a in values.contains { $0.caseInsensitiveCompare(a) == .orderedSame } }
        // On a list field (tags) `contains` means membership; on a text field, a substring.
        case .contains: return values.allSatisfy { v in actual.contains { matches($0, v) } }
        case .notContains: return !values.contains { v in actual.contains { matches($0, v) } }
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            return holds(number: actual.first.flatMap(Double.init))
        }
    }

    var isNumeric: Bool { [.greater, .greaterOrEqual, .less, .lessOrEqual].contains(op) }

    func holds(number value: Double?) -> Bool {
        // A customer without the value (never ordered, not scored) is not in a numeric audience.
        guard let value, let number else { return false }
        switch op {
        case .greater: return value > number
        case .greaterOrEqual: return value >= number
        case .less: return value < number
        default: return value <= number
        }
    }
}

public struct AudienceError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var column: Int
    public var reason: String
    public var description: String { "'\(text)' at column \(column + 1): \(reason)" }
}
