import BeckonCore
import Foundation
import Yams

/// A read cursor over one YAML node that remembers where it came from.
///
/// Yams' `Decodable` path loses line numbers and silently ignores unknown keys; operators need both, so
/// configuration is read from the composed node tree instead. Every accessor throws a `ConfigError` that
/// names the file, the line and the dotted key path.
public struct ConfigNode {
    public let node: Node
    public let file: String
    public let path: String

    public init(node: Node, file: String, path: String = "") {
        self.node = node
        self.file = file
        self.path = path
    }

    /// Parses YAML text; an empty document is an empty mapping.
    public static func parse(_ text: String, file: String) throws -> ConfigNode {
        do {
            let node = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
            return ConfigNode(node: node, file: file)
        } catch let error as YamlError {
            var line: Int?
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): line = mark.line
            default: line = nil
            }
            let firstLine = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigError(file: file, line: line, key: "", message: "not valid YAML: \(firstLine)")
        }
    }

    public static func load(contentsOf url: URL) throws -> ConfigNode {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigError(file: url.path, line: nil, key: "", message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: url.path)
    }

    public var line: Int? { node.mark?.line }

    public func error(_ message: String, key: String? = nil) -> ConfigError {
        ConfigError(file: file, line: line, key: key ?? path, message: message)
    }

    /// The dotted path of a key under this node, as errors name it (`trigger.cancelled_by`).
    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Mappings

    /// The keys of this mapping, in file order; throws unless this node is a mapping.
    public func mapping() throws -> [(key: String, value: ConfigNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value lines)") }
        return mapping.map { pair in
            let key = pair.key.string ?? "\(pair.key)"
            return (key, ConfigNode(node: pair.value, file: file, path: child(key)))
        }
    }

    public func optional(_ key: String) throws -> ConfigNode? {
        try mapping().first { $0.key == key }?.value
    }

    public func required(_ key: String) throws -> ConfigNode {
        guard let value = try optional(key) else { throw error("missing required key", key: child(key)) }
        return value
    }

    /// Fails on the first key not in `allowed`, so a typo (`chanel:`) is reported instead of ignored.
    public func rejectUnknownKeys(_ allowed: Set<String>) throws {
        for (key, value) in try mapping() where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            throw ConfigError(file: file, line: value.line, key: child(key), message: "unknown key (known keys: \(known))")
        }
    }

    // MARK: Scalars

    public func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value") }
        return scalar.string
    }

    public func int() throws -> Int {
        guard let value = Int(try string()) else { throw error("expected a whole number, got '\(try string())'") }
        return value
    }

    public func double() throws -> Double {
        // Swift reads "inf" and "nan" as numbers; no setting of Beckon's means either.
        guard let value = Double(try string()), value.isFinite else { throw error("expected a number, got '\(try string())'") }
        return value
    }

    public func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got '\(try string())'")
        }
    }

    public func sequence() throws -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { ConfigNode(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    /// A list, or a single value read as a one-element list.
    public func list() throws -> [ConfigNode] {
        if case .sequence = node { return try sequence() }
        return [self]
    }

    public func timeZone() throws -> TimeZone {
        let identifier = try string()
        guard let zone = TimeZone(identifier: identifier) else {
            throw error("unknown time zone '\(identifier)' (use an IANA name such as Asia/Shanghai)")
        }
        return zone
    }

    public func localTime() throws -> LocalTime {
        guard let time = LocalTime(parsing: try string()) else { throw error("expected HH:MM, got '\(try string())'") }
        return time
    }

    public func localDate() throws -> LocalDate {
        guard let date = LocalDate(iso: try string()) else { throw error("expected YYYY-MM-DD, got '\(try string())'") }
        return date
    }

    public func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let raw = try string()
        guard let value = T(rawValue: raw) else {
            throw error("'\(raw)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A key that names things (ids, channels): letters, digits, `-` and `_` only, because it ends up in
    /// message keys, file names and URLs.
    public func identifier() throws -> String {
        let value = try string()
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
        guard !value.isEmpty, value.unicodeScalars.allSatisfy(allowed.contains) else {
            throw error("'\(value)' must be letters, digits, '-' or '_'")
        }
        return value
    }
}
