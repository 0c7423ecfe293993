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
    /// True when the event arrived after the last planning pass: it is planned now even if its due time is
    /// already behind the cycle's window (a file that came late), so a late event is never lost.
    public var arrivedSincePlanning: Bool

    public init(customerID: String, name: String, at: Date, attributes: [String: String] = [:], source: String = "",
                arrivedSincePlanning: Bool = false) {
        self.source = source
        self.arrivedSincePlanning = arrivedSincePlanning
        self.customerID = customerID
        self.name = name
        self.at = at
        self.attributes = attributes
    }
}
