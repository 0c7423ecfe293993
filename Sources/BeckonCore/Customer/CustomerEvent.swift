import Foundation

/// Something a customer did, from a trigger file: `cart_abandoned`, `browsed`, `purchase`, `card_renewed`.
public struct CustomerEvent: Hashable, Sendable {
    public var customerID: String
    public var name: String
    public var at: Date
    /// Product, price, link...: usable in templates.
    public var attributes: [String: String]

    public init(customerID: String, name: String, at: Date, attributes: [String: String] = [:]) {
        self.customerID = customerID
        self.name = name
        self.at = at
        self.attributes = attributes
    }
}
