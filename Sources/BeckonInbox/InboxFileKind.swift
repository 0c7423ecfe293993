import BeckonCore

/// What an inbox file holds.
public enum InboxFileKind: String, Sendable, CaseIterable {
    case customers, events, optOuts = "opt-outs", conversions, coupons

    /// The columns (after `columns:` mapping) that only this kind of file has.
    var signature: [String] {
        switch self {
        case .customers: ["customer_id", "name", "phone"]
        case .events: ["event", "at"]
        case .optOuts: ["reply"]
        case .conversions: ["occurred_at", "amount"]
        case .coupons: ["code", "expires_on"]
        }
    }

    var label: String {
        switch self {
        case .customers: "a customer file"
        case .events: "a trigger file"
        case .optOuts: "an opt-out file"
        case .conversions: "a conversions file"
        case .coupons: "a coupons file"
        }
    }
}

/// A file's kind, decided by rule: by a declared name pattern (or marker), checked against the header; else by
/// the header alone. Whatever is ambiguous is refused with the reason, never guessed.
struct InboxFileDecision: Hashable, Sendable {
    var kind: InboxFileKind
    /// A customer file that lists every customer (declared by a snapshot pattern, a `NAME.snapshot` marker, or
    /// `beckon import --confirm-snapshot`).
    var snapshot: Bool
    /// How the kind was decided, for the run report.
    var why: String

    static let byDefault = "customers (the name matches no pattern of inbox.kinds and the header no other kind)"

    /// - Parameters:
    ///   - header: the header's column names as written in the file.
    ///   - declaredSnapshot: a `NAME.snapshot` marker or `--confirm-snapshot` declares a customer snapshot.
    static func decide(name: String, header: [String], aliases: [String: String], patterns: InboxKindPatterns,
                       declaredSnapshot: Bool) -> Result<InboxFileDecision, UnreadableFile> {
        let columns = Set(header.map { raw in
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            return (aliases[trimmed] ?? trimmed).lowercased()
        })
        var byHeader = InboxFileKind.allCases.filter { $0.signature.allSatisfy(columns.contains) }
        // A reply or event file may carry customers' columns too; a customer file never has `reply` or `event`+`at`.
        if byHeader.count > 1 { byHeader.removeAll { $0 == .customers } }

        var byName: [(kind: InboxFileKind, snapshot: Bool, pattern: String)] = []
        let lists: [(InboxFileKind, Bool, [NamePattern])] = [
            (.customers, false, patterns.customers), (.customers, true, patterns.snapshots),
            (.events, false, patterns.events), (.optOuts, false, patterns.optOuts),
            (.conversions, false, patterns.conversions), (.coupons, false, patterns.coupons),
        ]
        for (kind, snapshot, list) in lists {
            if let pattern = list.first(where: { $0.matches(name) }) { byName.append((kind, snapshot, pattern.text)) }
        }
        if declaredSnapshot { byName.append((.customers, true, "a NAME.snapshot marker")) }
        let namedKinds = Set(byName.map(\.kind))
        if namedKinds.count > 1 {
            let list = byName.map { "\($0.kind.label) ('\($0.pattern)')" }.joined(separator: " and ")
            return .failure(UnreadableFile(file: name, reason: "ambiguous kind: the name matches the patterns of \(list); rename the file or change inbox.kinds in etc/beckon.yaml"))
        }
        // `orders-*` and the like were customer exports' names before conversions files existed: a header that is
        // plainly another kind's (its columns, none of a conversion's) is read as that kind, not refused.
        if let named = byName.first, named.kind == .conversions, byHeader.count == 1, byHeader[0] != .conversions {
            return .success(InboxFileDecision(kind: byHeader[0], snapshot: false,
                                              why: "\(byHeader[0].rawValue) by header (the name matches the conversions pattern '\(named.pattern)', the columns do not)"))
        }
        if let named = byName.first {
            let snapshot = byName.contains { $0.snapshot }
            if !byHeader.isEmpty, !byHeader.contains(named.kind) {
                let found = byHeader.map { "\($0.label)'s (\($0.signature.joined(separator: ", ")))" }.joined(separator: " or ")
                return .failure(UnreadableFile(file: name, reason: "ambiguous kind: the name says \(named.kind.label) (pattern '\(named.pattern)') but the header is \(found) and lacks \(named.kind.signature.joined(separator: ", ")); rename the file or fix its columns"))
            }
            return .success(InboxFileDecision(kind: named.kind, snapshot: snapshot && named.kind == .customers,
                                              why: "\(named.kind.rawValue)\(snapshot ? " snapshot" : "") by name ('\(named.pattern)')"))
        }
        switch byHeader.count {
        case 1:
            return .success(InboxFileDecision(kind: byHeader[0], snapshot: false, why: "\(byHeader[0].rawValue) by header"))
        case 0:
            // Read as a customer file, whose parser names the missing columns.
            return .success(InboxFileDecision(kind: .customers, snapshot: false, why: Self.byDefault))
        default:
            let list = byHeader.map { "\($0.label) (\($0.signature.joined(separator: ", ")))" }.joined(separator: " and ")
            return .failure(UnreadableFile(file: name, reason: "ambiguous kind: the header has the columns of \(list); name the file by a pattern of inbox.kinds"))
        }
    }
}
