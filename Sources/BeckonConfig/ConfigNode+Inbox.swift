import BeckonCore
import Foundation
import Yams

/// The `inbox:` key: the folder's path (`inbox: inbox`), or a mapping of the path and how files are read.
///
/// ```yaml
/// inbox:
///   path: inbox
///   kinds:                        # each list replaces that kind's defaults (inbox/README.md)
///     opt_outs: ["stop-*.csv", "*[-_.]optout[-_.]*"]
///     snapshots: ["members-full-*.csv"]
///   snapshot_max_deactivate: 20%  # a snapshot deactivating more is held until confirmed
/// ```
struct InboxSection {
    var path: String?
    var kinds = InboxKindPatterns.defaults
    var snapshotMaxDeactivate = 0.2
    /// `conversion_kinds: [order, visit, renewal]`: when declared, a conversion row of another kind is a row error.
    var conversionKinds: Set<String>?

    static let keys: Set<String> = ["path", "kinds", "snapshot_max_deactivate", "conversion_kinds"]

    static func parse(_ node: ConfigNode?) throws -> InboxSection {
        var section = InboxSection()
        guard let node else { return section }
        switch node.node {
        case .scalar:
            section.path = try node.string()
            return section
        case .mapping: break
        default: throw node.error("expected a single value (the inbox folder) or a mapping of path, kinds and snapshot_max_deactivate")
        }
        try node.rejectUnknownKeys(keys)
        section.path = try node.optional("path")?.string()
        if let kinds = try node.optional("kinds") {
            try kinds.rejectUnknownKeys(InboxKindPatterns.keys)
            var owner: [String: String] = [:]
            for (kind, list) in try kinds.mapping() {
                var patterns: [NamePattern] = []
                for item in try list.list() {
                    let text = try item.string()
                    do { patterns.append(try NamePattern(text)) } catch { throw item.error("\(error)") }
                    if let other = owner[text.lowercased()], other != kind {
                        throw item.error("pattern '\(text)' is also under \(other): a name must declare one kind")
                    }
                    owner[text.lowercased()] = kind
                }
                switch kind {
                case "customers": section.kinds.customers = patterns
                case "snapshots": section.kinds.snapshots = patterns
                case "events": section.kinds.events = patterns
                case "conversions": section.kinds.conversions = patterns
                case "coupons": section.kinds.coupons = patterns
                default: section.kinds.optOuts = patterns
                }
            }
        }
        if let share = try node.optional("snapshot_max_deactivate") {
            var text = try share.string().trimmingCharacters(in: .whitespaces)
            let percent = text.hasSuffix("%")
            if percent { text.removeLast() }
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                throw share.error("expected a share such as 20% or 0.2, got '\(try share.string())'")
            }
            let fraction = percent ? number / 100 : number
            guard (0...1).contains(fraction) else { throw share.error("must be between 0% and 100%") }
            section.snapshotMaxDeactivate = fraction
        }
        if let kinds = try node.optional("conversion_kinds") {
            var declared = Set<String>()
            for item in try kinds.list() {
                let text = try item.string().trimmingCharacters(in: .whitespaces).lowercased()
                guard !text.isEmpty else { throw item.error("a conversion kind cannot be empty") }
                declared.insert(text)
            }
            guard !declared.isEmpty else { throw kinds.error("list at least one conversion kind, or leave conversion_kinds out to accept any") }
            section.conversionKinds = declared
        }
        return section
    }
}
