import Foundation

/// A description of a value that is the same for equal values in every process: the members of sets and
/// dictionaries are listed sorted (Swift iterates them in an order that depends on each instance's storage), and
/// time zones by identifier. Written by hand over `Mirror` because no library here gives a stable rendering of
/// arbitrary configuration values; it is what the planning fingerprint hashes.
enum CanonicalDescription {
    static func of(_ value: Any) -> String {
        if let zone = value as? TimeZone { return zone.identifier }
        if let date = value as? Date { return String(date.timeIntervalSince1970) }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { of($0.value) } ?? "nil"
        case .set:
            return "{" + mirror.children.map { of($0.value) }.sorted().joined(separator: ",") + "}"
        case .dictionary:
            return "[" + mirror.children.map { pair in
                let parts = Mirror(reflecting: pair.value).children.map { of($0.value) }
                return parts.joined(separator: ":")
            }.sorted().joined(separator: ",") + "]"
        case .collection:
            return "[" + mirror.children.map { of($0.value) }.joined(separator: ",") + "]"
        case .none:
            return String(describing: value)
        default:
            guard !mirror.children.isEmpty else { return String(describing: value) }
            let fields = mirror.children.map { ($0.label.map { $0 + "=" } ?? "") + of($0.value) }
            return "\(mirror.subjectType)(" + fields.joined(separator: ",") + ")"
        }
    }
}
