/// What a provider's failure code says about the number, which decides what number hygiene does with it.
///
/// Only the first four change anything (see `NumberHygiene`); `throttled` and `transient` are the sender's or
/// the network's passing trouble, and every code Beckon does not know is `transient`: the safe side, since a
/// wrong `invalid` would silence a good customer for 90 days.
public enum FailureClass: String, CaseIterable, Sendable, Hashable, Comparable {
    /// The number does not exist (empty number, unknown subscriber): suppressed at once.
    case invalid
    /// The subscriber is on the carrier's or gateway's block list (replied unsubscribe to the carrier,
    /// complained to the regulator): suppressed at once, and it does not lapse.
    case carrierOptOut = "carrier_opt_out"
    /// The line is suspended (unpaid, barred): suppressed after two failures at least 7 days apart.
    case suspended
    /// The carrier refused the text (keyword filter, spam interception): flags the campaign and variant,
    /// never the number.
    case contentBlocked = "content_blocked"
    /// Flow control, daily per-number limits: nothing changes.
    case throttled
    /// Switched off, out of coverage, expired, network trouble, or a code Beckon does not know: nothing changes.
    case transient

    /// Order of precedence when one code holds several known words: the most specific meaning first.
    public static func < (lhs: FailureClass, rhs: FailureClass) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
