/// A named group of customers by RFM scores, defined in config and used in audiences (`segment = churn-risk`).
///
/// ```yaml
/// segments:
///   churn-risk: "R 1-2"
///   high-potential: "F 4-5 and M 4-5"
///   dormant: "F 1-2 and M 1-2"
/// ```
public struct RFMSegment: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// Every range must hold; a dimension without a range is free.
    public var ranges: [RFMDimension: ClosedRange<Int>]

    public init(name: String, ranges: [RFMDimension: ClosedRange<Int>]) {
        self.name = name
        self.ranges = ranges
    }

    /// Parses `R 1-2`, `F 4-5 and M 4-5`, `R5 and F 3-5`.
    public init(name: String, parsing text: String) throws(RFMSegmentError) {
        self.name = name
        ranges = [:]
        let clauses = text.split(separator: " and ").map { $0.filter { !$0.isWhitespace } }
        for clause in clauses {
            guard let letter = clause.first, let dimension = RFMDimension(rawValue: String(letter).uppercased()) else {
                throw RFMSegmentError(name: name, text: text, reason: "'\(clause)' must start with R, F or M")
            }
            let bounds = clause.dropFirst().split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil,
                  1 <= low, low <= high, high <= 5 else {
                throw RFMSegmentError(name: name, text: text, reason: "'\(clause)' needs a score or a range within 1-5, e.g. R 1-2")
            }
            guard ranges[dimension] == nil else {
                throw RFMSegmentError(name: name, text: text, reason: "\(dimension.rawValue) appears twice")
            }
            ranges[dimension] = low...high
        }
        guard !ranges.isEmpty else { throw RFMSegmentError(name: name, text: text, reason: "no condition") }
    }

    public func contains(_ score: RFMScore) -> Bool {
        ranges.allSatisfy { dimension, range in range.contains(score[dimension]) }
    }

    public var description: String {
        RFMDimension.allCases.compactMap { d in
            ranges[d].map { $0.lowerBound == $0.upperBound ? "\(d.rawValue) \($0.lowerBound)" : "\(d.rawValue) \($0.lowerBound)-\($0.upperBound)" }
        }.joined(separator: " and ")
    }
}

public struct RFMSegmentError: Error, Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var text: String
    public var reason: String
    public var description: String { "segment \(name): '\(text)': \(reason)" }
}
