import Foundation

/// One row of a conversions file: an order, visit or renewal by a customer at an instant.
public struct Conversion: Hashable, Sendable {
    public var customerID: String
    public var occurredAt: Date
    /// `order`, `visit`, `renewal`... as the file says (lower-cased).
    public var kind: String
    /// Revenue; 0 for a conversion without an amount (a visit).
    public var amount: Double

    public init(customerID: String, occurredAt: Date, kind: String, amount: Double) {
        self.customerID = customerID
        self.occurredAt = occurredAt
        self.kind = kind
        self.amount = amount
    }
}
