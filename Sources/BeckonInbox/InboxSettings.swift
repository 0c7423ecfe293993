import BeckonCore

/// How the inbox reads files: kinds by name, column names, encoding, opt-out keywords, batch size, snapshot guard.
public struct InboxSettings: Sendable {
    /// ERP column name -> Beckon field (`会员编号: customer_id`).
    public var aliases: [String: String]
    public var encoding: TextEncoding
    public var keywords: OptOutKeywords
    /// Which names declare which kind of file (`inbox.kinds:`).
    public var kinds: InboxKindPatterns
    /// A snapshot that would make more than this share of the active customers inactive is held until an
    /// operator confirms it (`inbox.snapshot_max_deactivate:`, default 20%).
    public var snapshotMaxDeactivate: Double
    /// Rows per transaction; a crash resumes after the last committed batch. 25,000 rather than 10,000: each
    /// commit writes every index page the batch touched to the WAL, and random phone-index inserts touch most
    /// of them, so fewer, larger commits took the 1M-row import bench from 9.3 s to 7.5-7.8 s. Two batches are
    /// in memory at once (one parsed, one committing); 40,000 was faster still but peaked at 170 MB.
    public var batchSize: Int
    /// Re-imports skip records unchanged since the previous file of the same mapping (`RecordSkips`); off only
    /// to compare against a full parse.
    public var skipsUnchangedRows = true
    /// `inbox.conversion_kinds`: when set, a conversion of another kind is a row error; nil accepts any.
    public var conversionKinds: Set<String>?

    public init(aliases: [String: String] = [:], encoding: TextEncoding = .auto, keywords: OptOutKeywords = OptOutKeywords(),
                kinds: InboxKindPatterns = .defaults, snapshotMaxDeactivate: Double = 0.2, batchSize: Int = 25_000,
                conversionKinds: Set<String>? = nil) {
        self.conversionKinds = conversionKinds
        self.aliases = aliases
        self.encoding = encoding
        self.keywords = keywords
        self.kinds = kinds
        self.snapshotMaxDeactivate = snapshotMaxDeactivate
        self.batchSize = batchSize
    }
}
