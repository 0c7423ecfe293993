import Foundation

/// The rules that turn classified failures into suppressions, as pure functions of the failures and the time.
///
/// - `invalid` and `carrier_opt_out`: suppressed at the first failure.
/// - `suspended`: suppressed at a failure that comes at least 7 days after an earlier suspended failure of
///   the same number (a line barred for a few days can come back; two failures a week apart are less likely
///   to be passing). Earlier failures count only within
///   the 90 days before, and only after the last message delivered to that number (the store looks at the
///   failing customer's messages to it: the ledger is indexed by customer, not by phone).
/// - An `invalid` or `suspended` suppression lapses by itself 90 days after it was made: carriers recycle
///   numbers, and the next campaign re-checks the number (one more failure suppresses it again). A carrier
///   opt-out does not lapse: it is the subscriber's choice, made at the carrier.
/// - `content_blocked` flags the campaign and variant (the report and `beckon status` show it); `throttled`
///   and `transient` change nothing.
public enum NumberHygiene {
    public static let suspendedSpacing: TimeInterval = 7 * 86_400
    public static let recheckAfter: TimeInterval = 90 * 86_400

    public enum Action: Hashable, Sendable {
        /// Suppress the number from `since`; `lapsesAt` nil: until an operator lifts it.
        case suppress(FailureClass, since: Date, lapsesAt: Date?)
        /// Count the failure against its campaign and variant; the number stays.
        case flagContent
        case none
    }

    /// Whether a failure class is kept as a row for the rules and the report (the others change nothing).
    public static func isRecorded(_ failureClass: FailureClass) -> Bool {
        failureClass != .throttled && failureClass != .transient
    }

    /// - Parameters:
    ///   - earlier: the same number's earlier recorded failures (any order, any class).
    ///   - lastDelivered: when a message to the number was last delivered, if ever.
    public static func action(for failure: NumberFailure, earlier: [NumberFailure], lastDelivered: Date? = nil) -> Action {
        switch failure.failureClass {
        case .invalid:
            return .suppress(.invalid, since: failure.at, lapsesAt: failure.at.addingTimeInterval(recheckAfter))
        case .carrierOptOut:
            return .suppress(.carrierOptOut, since: failure.at, lapsesAt: nil)
        case .suspended:
            let windowStart = max(failure.at.addingTimeInterval(-recheckAfter), lastDelivered ?? .distantPast)
            let spaced = earlier.contains { e in
                e.failureClass == .suspended && e.phone == failure.phone && e.at > windowStart
                    && failure.at.timeIntervalSince(e.at) >= suspendedSpacing
            }
            return spaced ? .suppress(.suspended, since: failure.at, lapsesAt: failure.at.addingTimeInterval(recheckAfter)) : .none
        case .contentBlocked:
            return .flagContent
        case .throttled, .transient:
            return .none
        }
    }
}
