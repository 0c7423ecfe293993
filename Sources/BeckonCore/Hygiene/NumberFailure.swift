import Foundation

/// One classified failure of one message, as number hygiene weighs it and the monthly report lists it.
public struct NumberFailure: Hashable, Sendable {
    public var phone: String
    public var customerID: String
    public var channel: String
    public var failureClass: FailureClass
    /// The provider's code as it came (`2 stat:UNDELIV err:001 ...`, `MK:0001`).
    public var code: String
    public var messageKey: String
    public var campaign: String
    public var variant: String
    public var at: Date

    public init(phone: String, customerID: String, channel: String, failureClass: FailureClass, code: String,
                messageKey: String, campaign: String, variant: String = "", at: Date) {
        self.phone = phone
        self.customerID = customerID
        self.channel = channel
        self.failureClass = failureClass
        self.code = code
        self.messageKey = messageKey
        self.campaign = campaign
        self.variant = variant
        self.at = at
    }
}
