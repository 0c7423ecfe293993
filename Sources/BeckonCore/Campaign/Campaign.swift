/// A campaign as the planner runs it: a trigger, an audience of one kind of message, a template, a channel.
public struct Campaign: Sendable {
    public var id: String
    public var name: String
    public var category: MessageCategory
    /// Higher wins when several campaigns are due for one customer on one day.
    public var priority: Int
    public var trigger: Trigger
    public var template: MessageTemplate
    public var channel: String
    public var enabled: Bool
    /// Who the campaign is for; empty means every active customer.
    public var audience: AudienceRule = AudienceRule()
    /// A/B variants; empty means every customer gets `template`.
    public var variants: [CampaignVariant] = []
    /// One tracked link per message, or one per variant for providers that forbid variable links (`tracked_link:`).
    public var trackedLink: LinkScope = .perMessage
    /// How many days after a delivered message a conversion is credited to it (`attribution_days:`, 1...90).
    public var attributionDays: Int = Attribution.Windows.defaultDays
    /// Send window, caps and conflict rules; defaults suit a recall campaign.
    public var policy: CampaignPolicy = CampaignPolicy()
    /// Its control group (`control: 10%`): customers kept from this campaign's messages to measure it; nil: none.
    public var control: HoldoutGroup?
    /// Its own locale, brand and opt-out text over the global `content:` section (`locale:`, `brand:`, `opt_out_text:`).
    public var content: CampaignContent = CampaignContent()
    /// The coupon pool each message takes one code from (`coupon:`); nil: the campaign gives no codes.
    public var coupon: String?
    /// The sender its channel sends as (for sender-scoped opt-outs); nil when routed or unknown.
    public var sender: String?
    /// What it may spend per local day and month (`budget:`), checked as each message is claimed; nil: no limit.
    public var budget: CampaignBudget?

    public init(id: String, name: String, category: MessageCategory = .marketing, priority: Int = 0,
                trigger: Trigger, template: MessageTemplate, channel: String = "outbox", enabled: Bool = true) {
        self.id = id
        self.name = name
        self.category = category
        self.priority = priority
        self.trigger = trigger
        self.template = template
        self.channel = channel
        self.enabled = enabled
    }
}
