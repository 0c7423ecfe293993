import Foundation

/// The period a report covers: the messages whose local day (in the customer's zone) lies in `from...to`,
/// optionally of one campaign. Everything in the report (clicks, conversions, opt-outs) follows those messages.
public struct ReportPeriod: Hashable, Sendable, Codable {
    public var from: LocalDate
    public var to: LocalDate
    public var campaign: String?

    public init(from: LocalDate, to: LocalDate, campaign: String? = nil) {
        self.from = from
        self.to = to
        self.campaign = campaign
    }
}

/// What the store counts for a report: GROUP BY results, small whatever the number of customers. The figures
/// (rates, tests, heat maps in local time) are made from them by `ReportAssembler`, outside the store.
public struct ReportRows: Hashable, Sendable {
    /// Ledger rows by campaign, variant, channel, final status and reason.
    public struct Outcome: Hashable, Sendable {
        public var campaign: String
        public var variant: String
        public var channel: String
        public var status: MessageStatus
        public var reason: String
        public var messages: Int
        public var segments: Int

        public init(campaign: String, variant: String, channel: String, status: MessageStatus, reason: String, messages: Int, segments: Int) {
            self.campaign = campaign
            self.variant = variant
            self.channel = channel
            self.status = status
            self.reason = reason
            self.messages = messages
            self.segments = segments
        }
    }

    /// Events in one quarter hour (UTC) for customers of one zone key: a zone identifier, or when the customer has
    /// none, the first digits of the number (`+8613`) from which the zone follows.
    public struct TimeBucket: Hashable, Sendable {
        public enum Event: String, Hashable, Sendable, CaseIterable, Codable { case delivered, clicked, converted }
        public var event: Event
        public var zone: String?
        public var phonePrefix: String
        /// Seconds since 1970 / 900.
        public var quarterHour: Int64
        public var count: Int

        public init(event: Event, zone: String?, phonePrefix: String, quarterHour: Int64, count: Int) {
            self.event = event
            self.zone = zone
            self.phonePrefix = phonePrefix
            self.quarterHour = quarterHour
            self.count = count
        }
    }

    /// Messages handed to a gateway, by the number's first digits (`+86138`: the carrier) and final status.
    public struct PrefixOutcome: Hashable, Sendable {
        public var phonePrefix: String
        public var status: MessageStatus
        public var messages: Int

        public init(phonePrefix: String, status: MessageStatus, messages: Int) {
            self.phonePrefix = phonePrefix
            self.status = status
            self.messages = messages
        }
    }

    /// Failed or undelivered messages by channel and the provider's code.
    public struct FailureCode: Hashable, Sendable {
        public var channel: String
        public var code: String
        public var messages: Int

        public init(channel: String, code: String, messages: Int) {
            self.channel = channel
            self.code = code
            self.messages = messages
        }
    }

    /// Clicks on the period's messages, by campaign and variant. Clicks on links shared by a variant
    /// (`tracked_link: per_variant`) are counted, but can make no message unique.
    public struct Clicks: Hashable, Sendable {
        public var campaign: String
        public var variant: String
        public var clicks: Int
        public var botClicks: Int
        /// Messages with a person's click: a message counts once however often it was clicked.
        public var messagesClicked: Int

        public init(campaign: String, variant: String, clicks: Int, botClicks: Int, messagesClicked: Int) {
            self.campaign = campaign
            self.variant = variant
            self.clicks = clicks
            self.botClicks = botClicks
            self.messagesClicked = messagesClicked
        }
    }

    /// Opt-out replies, each charged to the campaign of the last message the number was sent before replying.
    public struct OptOuts: Hashable, Sendable {
        public var campaign: String
        public var replies: Int

        public init(campaign: String, replies: Int) {
            self.campaign = campaign
            self.replies = replies
        }
    }

    /// Conversions credited to the period's messages, by campaign and variant.
    public struct Conversions: Hashable, Sendable {
        public var campaign: String
        public var variant: String
        public var clickThrough: Int
        public var viewThrough: Int
        public var revenue: Double

        public init(campaign: String, variant: String, clickThrough: Int, viewThrough: Int, revenue: Double) {
            self.campaign = campaign
            self.variant = variant
            self.clickThrough = clickThrough
            self.viewThrough = viewThrough
            self.revenue = revenue
        }
    }

    /// For lift: customers of a campaign in the sent group and in its control, and how many of each converted
    /// within the campaign's attribution window after the message (or, for the control, after the moment it
    /// would have gone).
    public struct Exposure: Hashable, Sendable {
        public var campaign: String
        public var treated: Proportion
        public var control: Proportion

        public init(campaign: String, treated: Proportion, control: Proportion) {
            self.campaign = campaign
            self.treated = treated
            self.control = control
        }
    }

    /// A campaign's attribution window when the configuration names none.
    public static let defaultAttributionDays = 7

    public var outcomes: [Outcome] = []
    public var timeBuckets: [TimeBucket] = []
    public var prefixes: [PrefixOutcome] = []
    public var failureCodes: [FailureCode] = []
    public var clicks: [Clicks] = []
    public var optOuts: [OptOuts] = []
    public var conversions: [Conversions] = []
    public var exposures: [Exposure] = []

    public init() {}
}
