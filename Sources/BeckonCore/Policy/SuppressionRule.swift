import Foundation

/// Which standing suppressions stop a message.
///
/// A suppression by customer applies whatever number they have now; one by phone applies only to that
/// number (a customer who changed numbers is not stopped by the old number's hard failure). A full opt-out
/// (no category) stops everything, transactional messages included; an opt-out of one category stops
/// that category and campaigns of that brand category, but never transactional messages.
public enum SuppressionRule {
    /// - Parameter sender: the sender the message goes out as; nil (a routed campaign, whose sender is not
    ///   known before dispatch) is stopped by every sender's opt-out, the safe side.
    public static func blocking(_ suppressions: [Suppression], customer: Customer, category: MessageCategory,
                                brandCategory: String?, sender: String? = nil, at now: Date) -> Suppression? {
        blocking(suppressions, customerID: customer.id, phone: customer.phone, category: category,
                 brandCategory: brandCategory, sender: sender, at: now)
    }

    /// The same, for a message to `phone` (which may not be the customer's number today).
    public static func blocking(_ suppressions: [Suppression], customerID: String, phone: String, category: MessageCategory,
                                brandCategory: String?, sender: String? = nil, at now: Date) -> Suppression? {
        suppressions
            .filter { s in
                // A lapsed number-hygiene suppression is a re-check: the number gets its next message.
                guard s.stands(at: now) else { return false }
                let matches = (s.customerID != nil && s.customerID == customerID) || (s.phone != nil && s.phone == phone)
                guard matches else { return false }
                if let scope = s.sender, let sender, scope != sender { return false }
                guard let scope = s.category else { return true }
                if category == .transactional { return false }
                return scope == category.rawValue || scope == brandCategory
            }
            .min { $0.at < $1.at }
    }

    public static func verdict(for suppression: Suppression) -> PolicyVerdict {
        if suppression.source == .hardFailure, let failureClass = suppression.failureClass {
            return .suppressed(.init(hygieneCode(failureClass), hygieneText(suppression, failureClass)))
        }
        let code: String
        switch suppression.source {
        case .optOutReply, .inboxFile: code = "opted_out"
        case .hardFailure: code = "hard_failed_number"
        case .blockList: code = "blocked"
        }
        let scope = suppression.category.map { "from \($0)" } ?? "from everything"
        return .suppressed(.init(code, "opted out \(scope): \(suppression.detail) (\(ISOInstant.format(suppression.at, in: .gmt)))"))
    }

    /// `hard_failed_number` for an invalid number, as before classes existed, so existing filters keep working.
    static func hygieneCode(_ failureClass: FailureClass) -> String {
        switch failureClass {
        case .invalid: "hard_failed_number"
        case .carrierOptOut: "carrier_opt_out"
        case .suspended: "suspended_number"
        case .contentBlocked, .throttled, .transient: "number_hygiene"
        }
    }

    static func hygieneText(_ s: Suppression, _ failureClass: FailureClass) -> String {
        let since = ISOInstant.format(s.at, in: .gmt)
        let recheck = s.lapsesAt.map { "; re-checked from \(ISOInstant.format($0, in: .gmt))" } ?? "; does not lapse"
        return "number hygiene: \(failureClass.rawValue) since \(since): \(s.detail)\(recheck)"
    }
}
