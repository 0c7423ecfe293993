import Foundation

/// Something a customer did, from a trigger file: `cart_abandoned`, `browsed`, `purchase`, `card_renewed`.
public struct CustomerEvent: Hashable, Sendable {
    public var customerID: String
    public var name: String
    public var at: Date
    /// Product, price, link...: usable in templates.
    public var attributes: [String: String]
    /// The trigger file and line (`carts.csv:7`), carried into receipts.
    public var source: String

    public init(customerID: String, name: String, at: Date, attributes: [String: String] = [:], source: String = "") {
        self.source = source
        self.customerID = customerID
        self.name = name
        self.at = at
        self.attributes = attributes
    }
}
