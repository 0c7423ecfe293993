import Foundation

extension ConfigNode {
    /// A duration: a number with a unit (`90s`, `30m`, `24h`, `2d`) or a bare number of seconds; more than 0.
    func duration() throws -> TimeInterval {
        let text = try string().trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        var number = Substring(text)
        var unit = 1.0
        if let last = text.last, let scale = units[last] {
            number = number.dropLast()
            unit = scale
        }
        guard let value = Double(number), value.isFinite, value > 0 else {
            throw error("expected a duration such as 90s, 30m, 24h or 2d, got '\(text)'")
        }
        return value * unit
    }
}
