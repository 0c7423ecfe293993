import Foundation

/// One configured way out for messages. `kind` selects the adapter; `settings` are its own keys.
public struct ChannelConfiguration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Files under `outbox/messages/`, nothing over the network: the safe default.
        case outbox
    }

    public var id: String
    public var kind: Kind
    /// For `outbox`: the folder, relative to the outbox, where message files go.
    public var directory: String

    public init(id: String, kind: Kind, directory: String = "messages") {
        self.id = id
        self.kind = kind
        self.directory = directory
    }

    public static let defaultOutbox = ChannelConfiguration(id: "outbox", kind: .outbox)

    static func parseAll(_ node: ConfigNode) throws -> [ChannelConfiguration] {
        try node.mapping().map { key, value in
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw value.error("channel name '\(key)' must be letters, digits, '-' or '_'")
            }
            return try parse(id: key, value)
        }
    }

    static func parse(id: String, _ node: ConfigNode) throws -> ChannelConfiguration {
        let kind = try node.required("kind").oneOf(Kind.self)
        switch kind {
        case .outbox:
            try node.rejectUnknownKeys(["kind", "directory"])
            return ChannelConfiguration(id: id, kind: .outbox, directory: try node.optional("directory")?.string() ?? "messages")
        }
    }
}
