/// Which inbox file names declare which kind of file (`inbox.kinds:` in etc/beckon.yaml).
///
/// Every pattern is anchored (`NamePattern`): a kind word begins the name or stands between separators
/// (`-`, `_`, `.`), so `bus_stop_members.csv` and `replica_members.csv` are not opt-out files and no name
/// becomes a snapshot by containing `full`. A name that matches no pattern is read by its header. The
/// defaults are listed in inbox/README.md; a kind set in the configuration replaces that kind's defaults.
public struct InboxKindPatterns: Hashable, Sendable {
    /// Customer files (deltas). None by default: a name matching no pattern is read by its header.
    public var customers: [NamePattern]
    /// Customer files that list every customer: the ones they do not list become inactive.
    public var snapshots: [NamePattern]
    public var events: [NamePattern]
    public var optOuts: [NamePattern]
    /// Orders, visits, renewals (`customer_id, occurred_at, kind, amount`): what attribution credits.
    public var conversions: [NamePattern]
    /// Coupon pools' codes (`pool, code, expires_on`): what `coupon:` campaigns give out.
    public var coupons: [NamePattern]

    public init(customers: [NamePattern] = [], snapshots: [NamePattern] = [], events: [NamePattern] = [], optOuts: [NamePattern] = [],
                conversions: [NamePattern] = [], coupons: [NamePattern] = []) {
        self.coupons = coupons
        self.customers = customers
        self.conversions = conversions
        self.snapshots = snapshots
        self.events = events
        self.optOuts = optOuts
    }

    /// `word[-_.]*` (the word begins the name) and, for words that mean nothing else, `*[-_.]word[-_.]*`.
    public static let defaultPatternTexts: [(kind: String, patterns: [String])] = [
        ("snapshots", ["snapshot[-_.]*", "*[-_.]snapshot[-_.]*"]),
        ("events", ["event[-_.]*", "events[-_.]*", "trigger[-_.]*", "triggers[-_.]*",
                    "*[-_.]event[-_.]*", "*[-_.]events[-_.]*", "*[-_.]trigger[-_.]*", "*[-_.]triggers[-_.]*"]),
        ("opt_outs", ["optout[-_.]*", "optouts[-_.]*", "opt-out[-_.]*", "opt_out[-_.]*", "unsubscribe[-_.]*", "unsubscribes[-_.]*",
                      "*[-_.]optout[-_.]*", "*[-_.]optouts[-_.]*", "*[-_.]opt-out[-_.]*", "*[-_.]opt_out[-_.]*",
                      "*[-_.]unsubscribe[-_.]*", "*[-_.]unsubscribes[-_.]*",
                      "reply[-_.]*", "replies[-_.]*", "stop[-_.]*", "*退订*"]),
        ("conversions", ["conversion[-_.]*", "conversions[-_.]*", "order[-_.]*", "orders[-_.]*",
                         "*[-_.]conversion[-_.]*", "*[-_.]conversions[-_.]*", "*[-_.]orders[-_.]*"]),
        ("coupons", ["coupon[-_.]*", "coupons[-_.]*", "*[-_.]coupon[-_.]*", "*[-_.]coupons[-_.]*", "*优惠券*", "*券码*"]),
    ]

    public static let defaults: InboxKindPatterns = {
        var kinds = InboxKindPatterns()
        for (kind, texts) in defaultPatternTexts {
            // The defaults are literals checked by a test; a syntax error here is a programming error.
            let patterns = texts.compactMap { try? NamePattern($0) }
            switch kind {
            case "snapshots": kinds.snapshots = patterns
            case "events": kinds.events = patterns
            case "conversions": kinds.conversions = patterns
            case "coupons": kinds.coupons = patterns
            default: kinds.optOuts = patterns
            }
        }
        return kinds
    }()

    /// The configuration keys under `inbox.kinds:`.
    public static let keys: Set<String> = ["customers", "snapshots", "events", "opt_outs", "conversions", "coupons"]
}
