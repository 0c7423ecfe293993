import BeckonCore
import Foundation

/// Everything `etc/beckon.yaml` and `etc/campaigns/` say, resolved and validated.
///
/// Relative paths are resolved against the project home: the folder that holds `etc/`.
public struct BeckonConfiguration: Sendable {
    public var home: URL
    public var inbox: URL
    public var outbox: URL
    public var database: URL
    /// Used for customers whose file and phone give no zone.
    public var timeZone: TimeZone
    /// How often the scheduler evaluates campaigns.
    public var tickSeconds: Double
    /// The inbox is rescanned this often even when inotify is quiet (the fallback, and for NFS mounts).
    public var rescanSeconds: Double
    /// A file without a `.done`/`.ok` marker is taken once its size and mtime are unchanged this long.
    public var stableSeconds: Double
    /// On SIGTERM the daemon claims nothing more and waits this long for the sends in flight to be answered
    /// and recorded before it cancels them (`drain_seconds`).
    public var drainSeconds: Double = 30
    /// How the daemon logs (`log_format`): lines for people, or one JSON object a line for log shippers.
    public var logFormat: LogFormat = .text
    /// Where the daemon logs (`log_file`): standard error by default (journald under systemd), or this file,
    /// which SIGUSR1 reopens after a rotation.
    public var logFile: URL?

    public enum LogFormat: String, Sendable, Hashable, CaseIterable { case text, json }
    public var channels: [ChannelConfiguration]
    public var campaigns: [Campaign]
    public var calendar: CalendarContext
    /// Quiet hours, caps, consent defaults (the `policy:` section).
    public var policy: DeliveryPolicy = DeliveryPolicy()
    /// When the RFM boundaries are recomputed (`rfm: { refresh_minutes, refresh_changed_percent }`).
    public var rfmRefresh = RFMRefresh()
    /// Brand signature, opt-out line, segment budget, risky phrases (the `content:` section).
    public var content: ContentPolicy = ContentPolicy()
    /// ERP column names -> Beckon fields (the `columns:` section).
    public var columnAliases: [String: String] = [:]
    /// `utf-8`, `gb18030` or `auto` (the `encoding:` key).
    public var inboxEncoding: String = "auto"
    /// Which file names declare which kind of inbox file (`inbox.kinds:`).
    public var inboxKinds = InboxKindPatterns.defaults
    /// A snapshot deactivating more than this share of active customers is held (`inbox.snapshot_max_deactivate:`).
    public var snapshotMaxDeactivate = 0.2
    /// `inbox.conversion_kinds`: nil accepts any kind in a conversions file.
    public var conversionKinds: Set<String>?
    /// Replies that opt out or back in (the `opt_out_keywords:` section); nil: the defaults.
    public var optOutKeywords: [String]?
    public var optInKeywords: [String]?
    /// Delivery reports, replies, health and metrics (the `server:` section).
    public var server: ServerConfiguration
    /// Tracked short links and their redirect listener (the `links:` section); nil: none.
    public var links: LinkConfiguration?
    /// Channels for campaigns with `channel: route` (the `routing:` section).
    public var routing = RoutingConfiguration()
    /// Whether an opt-out reply stops every campaign (`all`, the default) or only those sent through channels
    /// with the same `sender` as the channel the reply came in on (`sender`).
    public var optOutScope: OptOutScope = .all
    /// Receipts with full phone numbers (default: masked) and in JSON Lines as well as CSV.
    public var receiptsFullPhone = false
    public var receiptsJSONLines = false
    /// The `report:` section: how `beckon report` and the daily report present money and sample sizes.
    public var report = ReportConfiguration()
    /// `coupons.warn_days`: `status` and `check` warn when a pool will run out within this many days at the
    /// rate its codes were given over the last 7 days.
    public var couponWarnDays = 7

    public enum OptOutScope: String, Sendable, Hashable, CaseIterable { case all, sender }

    /// The pseudo-channel a campaign names to be routed by carrier or country (see `routing`).
    public static let routedChannel = "route"

    static let keys: Set<String> = ["inbox", "outbox", "database", "timezone", "tick_seconds", "rescan_seconds",
                                    "stable_seconds", "drain_seconds", "log_format", "log_file", "channels", "policy", "content", "columns", "encoding", "opt_out_keywords", "opt_in_keywords", "segments", "rfm",
                                    "server", "routing", "opt_out_scope", "receipts", "links", "report", "coupons"]

    public init(home: URL, inbox: URL, outbox: URL, database: URL, timeZone: TimeZone, tickSeconds: Double = 60,
                rescanSeconds: Double = 30, stableSeconds: Double = 5, channels: [ChannelConfiguration] = [.defaultOutbox],
                campaigns: [Campaign] = [], calendar: CalendarContext = CalendarContext()) {
        self.home = home
        self.inbox = inbox
        self.outbox = outbox
        self.database = database
        self.timeZone = timeZone
        self.tickSeconds = tickSeconds
        self.rescanSeconds = rescanSeconds
        self.stableSeconds = stableSeconds
        self.channels = channels
        self.campaigns = campaigns
        self.calendar = calendar
        server = ServerConfiguration(port: 0, tokenFile: home.appendingPathComponent("var/server.token"))
    }

    /// Loads `file` (normally `etc/beckon.yaml`) and the campaigns beside it in `campaigns/`.
    public static func load(file: URL) throws -> BeckonConfiguration {
        let etc = file.deletingLastPathComponent()
        let home = etc.deletingLastPathComponent()
        let root = try ConfigNode.load(contentsOf: file)
        try root.rejectUnknownKeys(keys)
        let inboxSection = try InboxSection.parse(try root.optional("inbox"))

        func path(_ key: String, default value: String) throws -> URL {
            let text = try key == "inbox" ? inboxSection.path ?? value : root.optional(key)?.string() ?? value
            return text.hasPrefix("/") ? URL(fileURLWithPath: text) : home.appendingPathComponent(text)
        }
        func positive(_ key: String, default value: Double, allowZero: Bool = false) throws -> Double {
            guard let node = try root.optional(key) else { return value }
            let number = try node.double()
            guard number > 0 || (allowZero && number == 0) else {
                throw node.error(allowZero ? "must be 0 or more" : "must be greater than 0")
            }
            // `.inf` or a year would make the daemon's sleeps overflow or never wake.
            guard number <= 86_400 else { throw node.error("must be at most 86400 seconds (a day)") }
            return number
        }
        func databasePath() throws -> URL {
            guard let node = try root.optional("database") else { return try path("database", default: "var/beckon.sqlite") }
            let text = try node.string()
            // Only SQLite files for now: a URL would otherwise become a file called `postgres:` in the home folder.
            if text.contains("://") {
                throw node.error("'\(text)' is a URL; this version of Beckon stores in SQLite only: give a file path such as var/beckon.sqlite")
            }
            guard !text.trimmedSpaces.isEmpty else { throw node.error("give a file path such as var/beckon.sqlite") }
            return try path("database", default: "var/beckon.sqlite")
        }

        var channels = try root.optional("channels").map(ChannelConfiguration.parseAll) ?? []
        if !channels.contains(where: { $0.id == "outbox" }) { channels.insert(.defaultOutbox, at: 0) }
        let calendar = try CalendarLoader.load(directory: etc.appendingPathComponent("calendars"))
        var campaigns = try CampaignLoader.load(directory: etc.appendingPathComponent("campaigns"))
        for campaign in campaigns {
            try ConfigNode.validate(campaign.trigger, calendar: calendar, file: etc.appendingPathComponent("campaigns").path + " (\(campaign.id))")
        }
        for campaign in campaigns where campaign.channel != routedChannel && !channels.contains(where: { $0.id == campaign.channel }) {
            throw ConfigError(file: etc.appendingPathComponent("campaigns").path, line: nil, key: "channel",
                              message: "campaign '\(campaign.id)' uses channel '\(campaign.channel)', which \(file.path) does not define")
        }
        // Sender-scoped opt-outs need each campaign's sender: its channel's (a routed campaign has none).
        for index in campaigns.indices {
            campaigns[index].sender = channels.first { $0.id == campaigns[index].channel }?.sender
        }
        var configuration = BeckonConfiguration(
            home: home,
            inbox: try path("inbox", default: "inbox"),
            outbox: try path("outbox", default: "outbox"),
            database: try databasePath(),
            timeZone: try root.optional("timezone")?.timeZone() ?? TimeZone(identifier: "Asia/Shanghai")!,
            tickSeconds: try positive("tick_seconds", default: 60),
            rescanSeconds: try positive("rescan_seconds", default: 30),
            // 0 suits producers that write elsewhere and rename into the inbox (the rename is atomic).
            stableSeconds: try positive("stable_seconds", default: 5, allowZero: true),
            channels: channels,
            campaigns: campaigns,
            calendar: calendar
        )
        configuration.drainSeconds = try positive("drain_seconds", default: 30)
        configuration.logFormat = try root.optional("log_format")?.oneOf(LogFormat.self) ?? .text
        if try root.optional("log_file") != nil { configuration.logFile = try path("log_file", default: "") }
        configuration.policy = try root.optional("policy")?.deliveryPolicy() ?? DeliveryPolicy()
        configuration.server = try ServerConfiguration.parse(try root.optional("server"), home: home)
        if let node = try root.optional("routing") {
            configuration.routing = try RoutingConfiguration.parse(node, home: home, channels: Set(channels.map(\.id)))
        }
        if campaigns.contains(where: { $0.channel == routedChannel }), configuration.routing.fallback.isEmpty && configuration.routing.routes.isEmpty {
            throw ConfigError(file: file.path, line: nil, key: "routing", message: "a campaign uses channel: route, but routing: names no routes")
        }
        // A money budget is counted through the price of the channel a message is claimed for: every channel the
        // campaign may use needs one, or its messages would cost nothing and the budget would never stop them.
        for campaign in campaigns where campaign.budget?.needsPrices == true {
            let used = campaign.channel == routedChannel ? configuration.routing.fallback + configuration.routing.routes.values.flatMap { $0 } : [campaign.channel]
            if let unpriced = used.first(where: { id in channels.first { $0.id == id }?.unitPrice == nil }) {
                throw ConfigError(file: etc.appendingPathComponent("campaigns").path + " (\(campaign.id))", line: nil, key: "budget",
                                  message: "a money budget needs the price of a segment: give channel '\(unpriced)' a unit_price in \(file.path), or use daily_segments / monthly_segments")
            }
        }
        configuration.optOutScope = try root.optional("opt_out_scope")?.oneOf(OptOutScope.self) ?? .all
        if let node = try root.optional("receipts") {
            try node.rejectUnknownKeys(["full_phone", "jsonl"])
            configuration.receiptsFullPhone = try node.optional("full_phone")?.bool() ?? false
            configuration.receiptsJSONLines = try node.optional("jsonl")?.bool() ?? false
        }
        configuration.content = try root.optional("content")?.contentPolicy() ?? ContentPolicy()
        configuration.links = try root.optional("links").map(LinkConfiguration.parse)
        configuration.report = try root.optional("report").map(ReportConfiguration.parse) ?? ReportConfiguration()
        configuration.content.links = configuration.links?.settings
        if let coupons = try root.optional("coupons") {
            try coupons.rejectUnknownKeys(["warn_days"])
            if let days = try coupons.optional("warn_days") {
                let value = try days.int()
                guard (1...365).contains(value) else { throw days.error("warn_days must be between 1 and 365 days, got \(value)") }
                configuration.couponWarnDays = value
            }
        }
        if configuration.links == nil, let campaign = campaigns.first(where: { $0.trackedLink != .perMessage }) {
            throw ConfigError(file: etc.appendingPathComponent("campaigns").path + " (\(campaign.id))", line: nil, key: "tracked_link",
                              message: "tracked_link: \(campaign.trackedLink.rawValue) needs tracked links: add a links: section to \(file.path)")
        }
        if let node = try root.optional("segments") {
            configuration.policy.segments = try node.mapping().map { name, value in
                do { return try RFMSegment(name: name, parsing: try value.string()) } catch let error as RFMSegmentError { throw value.error("\(error)") }
            }
        }
        if let node = try root.optional("rfm") {
            try node.rejectUnknownKeys(["refresh_minutes", "refresh_changed_percent"])
            if let minutes = try node.optional("refresh_minutes") {
                let value = try minutes.double()
                guard value >= 0, value <= 7 * 24 * 60 else { throw minutes.error("minutes between recomputations, from 0 to 10080 (a week)") }
                configuration.rfmRefresh.minimumInterval = value * 60
            }
            if let percent = try node.optional("refresh_changed_percent") {
                let value = try percent.double()
                guard value > 0, value <= 100 else { throw percent.error("a share of the customers above 0 and at most 100 (percent)") }
                configuration.rfmRefresh.changedShare = value / 100
            }
        }
        try validateSegments(of: campaigns, defined: configuration.policy.segments, file: file, folder: etc.appendingPathComponent("campaigns"))
        if let columns = try root.optional("columns") {
            // ERP column -> Beckon field; a name Beckon does not know becomes an attribute of that name.
            for (source, target) in try columns.mapping() {
                let field = try target.string().trimmingCharacters(in: .whitespaces)
                guard !field.isEmpty else { throw target.error("map the column to a field name") }
                configuration.columnAliases[source] = field
            }
        }
        if let node = try root.optional("encoding") {
            let value = try node.string().lowercased()
            guard ["auto", "utf-8", "utf8", "gb18030", "gbk"].contains(value) else { throw node.error("expected auto, utf-8 or gb18030") }
            configuration.inboxEncoding = value
        }
        configuration.inboxKinds = inboxSection.kinds
        configuration.snapshotMaxDeactivate = inboxSection.snapshotMaxDeactivate
        configuration.conversionKinds = inboxSection.conversionKinds
        configuration.optOutKeywords = try root.optional("opt_out_keywords")?.list().map { try $0.string() }
        configuration.optInKeywords = try root.optional("opt_in_keywords")?.list().map { try $0.string() }
        return configuration
    }

    /// Every campaign's budget with the channels' prices, in the brand's zone: what the dispatcher claims under.
    public var budgetRule: BudgetRule {
        BudgetRule(budgets: Dictionary(campaigns.compactMap { campaign in campaign.budget.map { (campaign.id, $0) } },
                                       uniquingKeysWith: { first, _ in first }),
                   unitPrices: Dictionary(channels.compactMap { channel in channel.unitPrice.map { (channel.id, $0) } },
                                          uniquingKeysWith: { first, _ in first }),
                   zone: timeZone)
    }

    /// An audience naming a segment that config does not define would silently reach nobody: refuse it.
    static func validateSegments(of campaigns: [Campaign], defined: [RFMSegment], file: URL, folder: URL) throws {
        let names = Set(defined.map(\.name))
        for campaign in campaigns {
            for condition in campaign.audience.conditions where condition.field == "segment" {
                for name in condition.values where !names.contains(name) {
                    throw ConfigError(file: folder.path, line: nil, key: "audience",
                                      message: "campaign '\(campaign.id)': segment '\(name)' is not defined in \(file.lastPathComponent) `segments:` (defined: \(names.sorted().joined(separator: ", ")))")
                }
            }
        }
    }
}
