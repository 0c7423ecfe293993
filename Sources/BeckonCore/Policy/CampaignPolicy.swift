/// A campaign's own delivery rules: its send window and how it stands toward caps and conflicts.
public struct CampaignPolicy: Hashable, Sendable {
    public enum OnConflict: String, Hashable, Sendable, CaseIterable {
        /// Wait for the winner's day to pass, until the message's `valid_until`.
        case `defer`
        /// Give up, with a `dropped` receipt.
        case drop
    }

    /// Local send window in the customer's zone (`10:00-12:00` or a scene); quiet hours still apply.
    public var window: TimeWindow
    public var outsideWindow: SendTiming.OutsideWindow
    /// Sent even when the customer's caps are full.
    public var exemptFromCaps: Bool
    /// Whether its messages fill the customer's caps for other campaigns.
    public var countsTowardCaps: Bool
    /// A brand-defined consent category (`beauty`) the customer must also have agreed to.
    public var consentCategory: String?
    public var onConflict: OnConflict
    /// Spread day-based sends across the window (default); false sends them as the window opens, which
    /// suits small lists and demos.
    public var spread: Bool = true

    public init(window: TimeWindow = CampaignPolicy.defaultWindow, outsideWindow: SendTiming.OutsideWindow = .defer,
                exemptFromCaps: Bool = false, countsTowardCaps: Bool = true, consentCategory: String? = nil,
                onConflict: OnConflict = .defer) {
        self.window = window
        self.outsideWindow = outsideWindow
        self.exemptFromCaps = exemptFromCaps
        self.countsTowardCaps = countsTowardCaps
        self.consentCategory = consentCategory
        self.onConflict = onConflict
    }

    /// 09:00-21:00: the hours when a recall text is welcome almost everywhere.
    public static let defaultWindow = TimeWindow(start: LocalTime(hour: 9, minute: 0), end: LocalTime(hour: 21, minute: 0))
}
