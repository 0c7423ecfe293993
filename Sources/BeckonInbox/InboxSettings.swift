import BeckonCore

/// How the inbox reads files: column names, encoding, opt-out keywords, batch size.
public struct InboxSettings: Sendable {
    /// ERP column name -> Beckon field (`会员编号: customer_id`).
    public var aliases: [String: String]
    public var encoding: TextEncoding
    public var keywords: OptOutKeywords
    /// Rows per transaction; a crash resumes after the last committed batch. 25,000 rather than 10,000: each
    /// commit writes every index page the batch touched to the WAL, and random phone-index inserts touch most
    /// of them, so fewer, larger commits took the 1M-row import bench from 9.3 s to 7.5-7.8 s. Two batches are
    /// in memory at once (one parsed, one committing); 40,000 was faster still but peaked at 170 MB.
    public var batchSize: Int

    public init(aliases: [String: String] = [:], encoding: TextEncoding = .auto, keywords: OptOutKeywords = OptOutKeywords(),
                batchSize: Int = 25_000) {
        self.aliases = aliases
        self.encoding = encoding
        self.keywords = keywords
        self.batchSize = batchSize
    }
}

/// What an inbox file holds, from its name (or, failing that, its header).
public enum InboxFileKind: String, Sendable {
    case customers, events, optOuts = "opt-outs"

    static func detect(name: String, header: [String]) -> InboxFileKind {
        let lower = name.lowercased()
        if ["optout", "opt-out", "opt_out", "unsubscribe", "repl", "退订", "stop"].contains(where: lower.contains) { return .optOuts }
        if ["event", "trigger"].contains(where: lower.contains) { return .events }
        let columns = Set(header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        if columns.contains("event") { return .events }
        if columns.contains("reply") { return .optOuts }
        return .customers
    }

    /// A full snapshot lists every customer: the others become inactive. Named `*snapshot*` or `*full*`.
    static func isSnapshot(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.contains("snapshot") || lower.contains("full")
    }
}
