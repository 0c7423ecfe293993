import Foundation

/// Decides which messages are due: campaigns x customers x the evaluation window.
///
/// Pure: the caller supplies the customers (a batch at a time), the window since the previous evaluation
/// and the calendar data; the planner returns rendered, keyed messages and the reasons for what it skipped.
public struct Planner: Sendable {
    public let campaigns: [Campaign]
    public let defaultTimeZone: TimeZone
    public let calendar: CalendarContext

    public init(campaigns: [Campaign], defaultTimeZone: TimeZone, calendar: CalendarContext) {
        self.campaigns = campaigns.filter(\.enabled)
        self.defaultTimeZone = defaultTimeZone
        self.calendar = calendar
    }

    /// A decision not to plan a message, with the rule that stopped it.
    public struct Skip: Hashable, Sendable {
        public var campaign: String
        public var customer: String
        public var occurrence: Occurrence
        public var reason: String
    }

    public struct Result: Sendable {
        public var messages: [PlannedMessage] = []
        public var skipped: [Skip] = []
    }

    /// The zone a customer's calendar runs in: their own, else the configured default.
    public func timeZone(for customer: Customer) -> TimeZone {
        customer.timeZone.flatMap(TimeZone.init(identifier:)) ?? defaultTimeZone
    }

    public func plan(customers: [Customer], window: DateInterval) -> Result {
        var result = Result()
        for customer in customers where customer.active {
            let zone = timeZone(for: customer)
            for campaign in campaigns {
                for occurrence in campaign.trigger.rule.occurrences(for: customer, in: window, timeZone: zone, context: calendar) {
                    plan(campaign, customer, occurrence, zone, into: &result)
                }
            }
        }
        return result
    }

    private func plan(_ campaign: Campaign, _ customer: Customer, _ occurrence: Occurrence, _ zone: TimeZone,
                      into result: inout Result) {
        func skip(_ reason: String) {
            result.skipped.append(Skip(campaign: campaign.id, customer: customer.id, occurrence: occurrence, reason: reason))
        }
        guard !customer.phone.isEmpty else { return skip("no_phone") }
        let text: String
        do { text = try campaign.template.render(Self.templateValues(for: customer)) } catch {
            return skip("template: \(error)")
        }
        let key = MessageKey(campaign: campaign.id, wave: occurrence.wave, customer: customer.id, localDate: occurrence.localDate)
        // A day-based occurrence is valid until the end of its local day: never sent a day late.
        let validUntil = occurrence.localDate.adding(days: 1).start(in: zone)
        result.messages.append(PlannedMessage(
            key: key, category: campaign.category, phone: customer.phone, channel: campaign.channel, text: text,
            sendAt: occurrence.instant, validUntil: validUntil, reason: occurrence.reason))
    }

    /// The fields a template can use: the customer's own and every extra column of the customer file.
    public static func templateValues(for customer: Customer) -> [String: String] {
        var values = customer.attributes
        values["customer_id"] = customer.id
        values["name"] = customer.name
        if let first = customer.name.first { values["surname"] = String(first) }
        if let tier = customer.tier { values["tier"] = tier }
        if let birthday = customer.birthday { values["birthday"] = birthday.description }
        return values
    }
}
