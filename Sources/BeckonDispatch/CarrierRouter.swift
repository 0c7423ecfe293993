import Foundation

/// Chooses the channels for a phone number: by mainland-China carrier (number range) or by country code,
/// primary first, then failovers tried when the primary fails transiently.
///
/// Wired through `ChannelRoutes` for campaigns on the `route` pseudo-channel (see `routing:` in the README).
public struct CarrierRouter: Sendable, Hashable {
    /// Carrier name for each three-digit mobile prefix after +86 (from `etc/routing/cn-carriers.txt`).
    public var carrierByPrefix: [String: String]
    /// Route targets keyed by carrier name (`china_mobile`) or by country calling code (`+1`, `+86`).
    public var routes: [String: [String]]
    /// Channels when nothing matches.
    public var fallback: [String]

    public init(carrierByPrefix: [String: String], routes: [String: [String]], fallback: [String]) {
        self.carrierByPrefix = carrierByPrefix
        self.routes = routes
        self.fallback = fallback
    }

    /// A line that is neither a comment nor `carrier prefix,prefix,...`.
    public struct FormatError: Error, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var description: String { "line \(line): expected 'carrier 134,135,...', got '\(text)'" }
    }

    /// Reads the carrier ranges file (`#` comments, `carrier prefixes` per line).
    public static func carriers(parsing text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else { throw FormatError(line: index + 1, text: line) }
            for prefix in fields[1].split(separator: ",") {
                guard prefix.count == 3, prefix.allSatisfy(\.isNumber) else { throw FormatError(line: index + 1, text: line) }
                result[String(prefix)] = String(fields[0])
            }
        }
        return result
    }

    /// Channels to try for `phone` (E.164, `+8613800138000`), in order.
    public func channels(for phone: String) -> [String] {
        if phone.hasPrefix("+86"), phone.count == 14 {
            let prefix = String(phone.dropFirst(3).prefix(3))
            if let carrier = carrierByPrefix[prefix], let targets = routes[carrier] { return targets }
        }
        // Longest country calling code first: +1 and +1242 (Bahamas) differ.
        for length in stride(from: 4, through: 1, by: -1) where phone.count > length + 1 {
            if let targets = routes["+" + phone.dropFirst().prefix(length)] { return targets }
        }
        return fallback
    }
}
