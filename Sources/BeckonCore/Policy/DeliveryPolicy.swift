import Foundation

/// The site-wide rules that protect customers and the brand: quiet hours, caps, consent defaults.
public struct DeliveryPolicy: Hashable, Sendable {
    /// Quiet hours per category; a category without an entry uses `defaultQuietHours`.
    public var quietHours: [MessageCategory: TimeWindow?]
    public var defaultQuietHours: TimeWindow?
    public var caps: FrequencyCaps
    public var consent: ConsentPolicy
    /// At most this many capped messages per customer per local day, higher campaign priority first.
    public var dailyLimit: Int
    /// Lifecycle stage thresholds for `lifecycle` audience conditions.
    public var lifecycle = LifecycleStage.Thresholds()
    /// Named RFM segments for `segment` audience conditions.
    public var segments: [RFMSegment] = []
    /// The global holdout (`policy.holdout`): customers kept from every non-transactional campaign; nil: none.
    public var holdout: HoldoutGroup?

    public init(defaultQuietHours: TimeWindow? = DeliveryPolicy.standardQuietHours,
                quietHours: [MessageCategory: TimeWindow?] = [.transactional: nil],
                caps: FrequencyCaps = FrequencyCaps(), consent: ConsentPolicy = ConsentPolicy(), dailyLimit: Int = 1) {
        self.defaultQuietHours = defaultQuietHours
        self.quietHours = quietHours
        self.caps = caps
        self.consent = consent
        self.dailyLimit = dailyLimit
    }

    /// 22:00-08:00: nobody is texted at 3 a.m.
    public static let standardQuietHours = TimeWindow(start: LocalTime(hour: 22, minute: 0), end: LocalTime(hour: 8, minute: 0))

    public func quietHours(for category: MessageCategory) -> TimeWindow? {
        if let entry = quietHours[category] { return entry }
        return defaultQuietHours
    }

    public func audienceContext(at now: Date, zone: TimeZone) -> AudienceRule.Context {
        AudienceRule.Context(now: now, lifecycle: lifecycle, segments: segments, zone: zone)
    }

    public func timing(for campaign: Campaign) -> SendTiming {
        SendTiming(window: campaign.policy.window, quietHours: quietHours(for: campaign.category),
                   outsideWindow: campaign.policy.outsideWindow, spreads: campaign.policy.spread)
    }
}
