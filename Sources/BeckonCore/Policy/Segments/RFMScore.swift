/// A customer's recency, frequency and monetary scores, each 1 (worst) to 5 (best) by quintile.
public struct RFMScore: Hashable, Sendable, CustomStringConvertible {
    public var recency: Int
    public var frequency: Int
    public var monetary: Int

    public init(recency: Int, frequency: Int, monetary: Int) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }

    public subscript(dimension: RFMDimension) -> Int {
        switch dimension {
        case .recency: recency
        case .frequency: frequency
        case .monetary: monetary
        }
    }

    public var description: String { "R\(recency) F\(frequency) M\(monetary)" }
}

public enum RFMDimension: String, Hashable, Sendable, CaseIterable {
    case recency = "R", frequency = "F", monetary = "M"
}
