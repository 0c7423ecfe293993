import Foundation

/// A standing instruction not to message a phone or a customer, for one category or for everything.
///
/// Sources: opt-out replies (reply files, `/mo` callbacks), hard-failed numbers reported by a gateway, and
/// the operator's block list. Suppression is checked by phone *and* by customer, so a customer who changes
/// number stays opted out and a number that changes hands stays blocked.
public struct Suppression: Hashable, Sendable {
    public enum Source: String, Hashable, Sendable, CaseIterable {
        case optOutReply = "opt_out_reply"
        case hardFailure = "hard_failure"
        case blockList = "block_list"
        case inboxFile = "inbox_file"
    }

    /// E.164, or nil when the suppression is by customer only.
    public var phone: String?
    public var customerID: String?
    /// A consent category (`marketing`, `beauty`, ...) or nil for a full opt-out of everything.
    public var category: String?
    /// The sender (brand) whose messages the opt-out is about, under `opt_out_scope: sender`; nil: every sender.
    public var sender: String?
    public var source: Source
    /// Free text for `explain`: the reply's words, the gateway's code, the file and line.
    public var detail: String
    public var at: Date
    /// For a number-hygiene suppression (source `hard_failure`): the class of the failure behind it.
    public var failureClass: FailureClass?
    /// When it lapses by itself (an `invalid` or `suspended` number is re-checked after 90 days); nil: never.
    public var lapsesAt: Date?

    public init(phone: String? = nil, customerID: String? = nil, category: String? = nil, sender: String? = nil,
                source: Source, detail: String, at: Date, failureClass: FailureClass? = nil, lapsesAt: Date? = nil) {
        self.failureClass = failureClass
        self.lapsesAt = lapsesAt
        self.sender = sender
        self.phone = phone
        self.customerID = customerID
        self.category = category
        self.source = source
        self.detail = detail
        self.at = at
    }

    /// Whether it still stops messages at `now` (it has not lapsed).
    public func stands(at now: Date) -> Bool { lapsesAt.map { now < $0 } ?? true }
}
