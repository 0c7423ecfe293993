import BeckonCore
import Foundation
import GRDB

/// What the redirect listener needs to answer a token: where it leads, until when, and when its message
/// reached the phone (for clicks too soon after to be a person's).
public struct LinkLookup: Hashable, Sendable {
    public var target: String
    public var expiresAt: Date
    /// Nil for a link shared by a campaign variant.
    public var messageKey: String?
    /// The message's delivery report time, else the time it was sent; nil before it went.
    public var reachedAt: Date?
    /// True when no later write can change this answer before `expiresAt`, so it may be kept in memory: a link
    /// shared by a variant (no message, no delivery time), or a message whose delivery report is in (later reports
    /// come later, and `reachedAt` is the first). Until then a report may still move `reachedAt`, and with it
    /// which clicks are too soon. A later schedule can only extend `expiresAt` (see `insertLink`).
    public var isSettled: Bool {
        messageKey == nil || deliveredAt != nil
    }
    /// The message's first delivery report time, when one is in.
    var deliveredAt: Date?

    public init(target: String, expiresAt: Date, messageKey: String?, deliveredAt: Date?, sentAt: Date?) {
        self.target = target
        self.expiresAt = expiresAt
        self.messageKey = messageKey
        self.deliveredAt = deliveredAt
        reachedAt = deliveredAt ?? sentAt
    }
}

/// One request for a token, as the redirect listener saw it.
public struct LinkClick: Hashable, Sendable {
    public enum Method: String, Hashable, Sendable { case get = "GET", head = "HEAD" }
    /// Why a click is suspected to be a machine's rather than a person's.
    public enum BotReason: String, Hashable, Sendable, CaseIterable {
        /// A link-preview or crawler user agent.
        case userAgent = "user_agent"
        /// A HEAD request: a person's browser sends GET.
        case head
        /// Within two seconds of delivery: faster than a person reads a message.
        case tooSoon = "too_soon"
    }

    public var token: String
    public var at: Date
    public var method: Method
    public var userAgent: String
    public var bot: BotReason?

    public init(token: String, at: Date, method: Method, userAgent: String, bot: BotReason?) {
        self.token = token
        self.at = at
        self.method = method
        self.userAgent = userAgent
        self.bot = bot
    }
}

/// A stored click, as the report reads it.
public struct ClickRecord: Hashable, Sendable {
    public var token: String
    public var messageKey: String?
    public var campaign: String
    public var variant: String
    public var at: Date
    public var method: LinkClick.Method
    public var userAgent: String
    public var bot: LinkClick.BotReason?
    /// The first click by a person on its message; a shared link's clicks are never unique.
    public var isUnique: Bool
}

/// Clicks added up per campaign and variant, or per message.
public struct ClickCount: Hashable, Sendable {
    public var campaign: String
    public var variant: String
    /// Nil in a per-variant count.
    public var messageKey: String?
    public var clicks: Int
    public var uniqueClicks: Int
    public var botClicks: Int
    /// Messages with at least one click by a person (per message: 0 or 1).
    public var messagesClicked: Int

    public init(campaign: String, variant: String, messageKey: String?, clicks: Int, uniqueClicks: Int, botClicks: Int,
                messagesClicked: Int) {
        self.campaign = campaign
        self.variant = variant
        self.messageKey = messageKey
        self.clicks = clicks
        self.uniqueClicks = uniqueClicks
        self.botClicks = botClicks
        self.messagesClicked = messagesClicked
    }
}

extension SQLiteStore {
    /// Records a scheduled message's links, in the ledger row's transaction. A token that another link holds
    /// already (about one in 62^7 per live link) is drawn again and replaced in the text: same length, so the
    /// segments stay as counted.
    static func recordLinks(of key: MessageKey, _ links: [TrackedLink], campaign: String, variant: String, text: String,
                            at now: Date, in db: Database) throws {
        var text = text
        var generator = SystemRandomNumberGenerator()
        for var link in links {
            while try !insertLink(link, key: link.scope == .perMessage ? key.description : nil, campaign: campaign,
                                  variant: variant, at: now, in: db) {
                let fresh = LinkToken.random(length: link.token.count, using: &generator)
                let url = String(link.url.dropLast(link.token.count)) + fresh
                text = text.replacingOccurrences(of: link.url, with: url)
                (link.token, link.url) = (fresh, url)
            }
        }
        // Only after a redraw; segments and encoding stay those of the same-length text.
        try db.cachedStatement(sql: "UPDATE message SET text = ? WHERE key = ? AND text <> ?")
            .execute(arguments: [text, key.description, text])
    }

    /// True when the token is now this link's: new, or already the same message's (or variant's) link.
    ///
    /// The target is checked here, once, rather than at every redirect: templates and `links.target` are checked
    /// when they are read, and the store refuses anything else, so the listener sends a stored target as it is.
    static func insertLink(_ link: TrackedLink, key: String?, campaign: String, variant: String, at now: Date,
                           in db: Database) throws -> Bool {
        guard MessageTemplate.isLinkTarget(link.target) else { throw InvalidLinkTarget(target: link.target) }
        var insert = BoundStatement(try db.cachedStatement(sql: """
            INSERT INTO link (token, message_key, campaign, variant, target, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(token) DO UPDATE SET expires_at = max(link.expires_at, excluded.expires_at)
            WHERE link.message_key IS excluded.message_key AND link.campaign = excluded.campaign
              AND link.variant = excluded.variant AND link.target = excluded.target
            """))
        insert.bind(link.token); insert.bind(key); insert.bind(campaign); insert.bind(variant); insert.bind(link.target)
        insert.bind(now.timeIntervalSince1970); insert.bind(link.expiresAt.timeIntervalSince1970)
        try insert.execute(in: db)
        return db.changesCount > 0
    }

    /// Drops a waiting message's links that its new text no longer has.
    static func dropLinks(of key: MessageKey, keeping tokens: [String], in db: Database) throws {
        try db.cachedStatement(sql: """
            DELETE FROM link WHERE message_key = ? AND token NOT IN (SELECT value FROM json_each(?))
              AND NOT EXISTS (SELECT 1 FROM click WHERE click.token = link.token)
            """).execute(arguments: [key.description, JSONString.array(tokens)])
    }

    /// The redirect's answer for a token, or nil when no link has it.
    ///
    /// Every redirect that is not answered from memory asks this, so it is one statement read without a
    /// transaction around it (`unsafeRead`: a single SELECT is consistent by itself, and BEGIN, COMMIT and GRDB's
    /// schema check were three more statements a click).
    public func linkLookup(token: String) throws -> LinkLookup? {
        try writer.unsafeRead { db in
            var bound = BoundStatement(try db.cachedStatement(sql: """
                SELECT l.target, l.expires_at, l.message_key,
                       (SELECT MIN(d.received_at) FROM delivery_report d
                        WHERE d.channel = m.channel AND d.message_key = m.key AND d.status = 'delivered'),
                       CASE WHEN m.status IN ('queued', 'sent', 'delivered', 'undelivered', 'unknown') THEN m.updated_at END
                FROM link l LEFT JOIN message m ON m.key = l.message_key
                WHERE l.token = ?
                """))
            bound.bind(token)
            return try bound.first(in: db) { columns in
                LinkLookup(target: columns.text(0) ?? "", expiresAt: Date(timeIntervalSince1970: columns.double(1)),
                           messageKey: columns.text(2), deliveredAt: columns.optionalDouble(3).map(Date.init(timeIntervalSince1970:)),
                           sentAt: columns.optionalDouble(4).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// Records clicks in one transaction; returns them with whether each was its message's unique click.
    /// A person's first click on a message is its unique one (SQLite's partial UNIQUE index keeps it one).
    @discardableResult
    public func recordClicks(_ clicks: [LinkClick]) throws -> [(click: LinkClick, isUnique: Bool)] {
        guard !clicks.isEmpty else { return [] }
        return try writer.write { db in try Self.recordClicks(clicks, in: db) }
    }

    /// `recordClicks` for a task: the transaction runs on the store's writer queue while the task is suspended,
    /// so a batch of thousands of clicks never holds one of the few threads that answer requests.
    @discardableResult
    public func recordClicksSuspending(_ clicks: [LinkClick]) async throws -> [(click: LinkClick, isUnique: Bool)] {
        guard !clicks.isEmpty else { return [] }
        return try await writer.write { db in try Self.recordClicks(clicks, in: db) }
    }

    static func recordClicks(_ clicks: [LinkClick], in db: Database) throws -> [(click: LinkClick, isUnique: Bool)] {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO click (token, message_key, campaign, variant, at, method, user_agent, bot, is_unique)
            SELECT l.token, l.message_key, l.campaign, l.variant, ?, ?, ?, ?,
                   ? IS NULL AND l.message_key IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM click c WHERE c.message_key = l.message_key AND c.is_unique = 1)
            FROM link l WHERE l.token = ?
            RETURNING is_unique
            """)
        return try clicks.compactMap { click in
            var insert = BoundStatement(statement)
            insert.bind(click.at.timeIntervalSince1970); insert.bind(click.method.rawValue)
            // A user agent is the client's text: kept, but bounded.
            insert.bind(String(click.userAgent.prefix(512))); insert.bind(click.bot?.rawValue)
            insert.bind(click.bot?.rawValue); insert.bind(click.token)
            return try insert.first(in: db) { (click, $0.int(0) == 1) }
        }
    }

    /// The standing tokens of links shared by campaign variants, by campaign, variant and target: a planner
    /// reuses them while they answer.
    public func sharedLinks(validAt now: Date) throws -> [LinkRequestKey: String] {
        try writer.read { db in
            var links: [LinkRequestKey: String] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT campaign, variant, target, token FROM link WHERE message_key IS NULL AND expires_at > ?
                ORDER BY created_at
                """, arguments: [now.timeIntervalSince1970]) {
                links[LinkRequestKey(campaign: row["campaign"], variant: row["variant"], target: row["target"])] = row["token"]
            }
            return links
        }
    }

    /// A message's link tokens by target.
    public func linkTokens(of key: MessageKey) throws -> [String: String] {
        try writer.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT target, token FROM link WHERE message_key = ?", arguments: [key.description])
                .map { ($0["target"], $0["token"]) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Every click in `[from, to)`, oldest first; `campaign` narrows them to one.
    public func clicks(from: Date, to: Date, campaign: String? = nil) throws -> [ClickRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT token, message_key, campaign, variant, at, method, user_agent, bot, is_unique FROM click
                WHERE at >= ? AND at < ? AND (? IS NULL OR campaign = ?) ORDER BY at, sequence
                """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970, campaign, campaign]).map { row in
                ClickRecord(token: row["token"], messageKey: row["message_key"], campaign: row["campaign"], variant: row["variant"],
                            at: Date(timeIntervalSince1970: row["at"]), method: LinkClick.Method(rawValue: row["method"]) ?? .get,
                            userAgent: row["user_agent"], bot: (row["bot"] as String?).flatMap(LinkClick.BotReason.init(rawValue:)),
                            isUnique: row["is_unique"])
            }
        }
    }

    /// Clicks in `[from, to)` added up per campaign and variant, or (`perMessage`) per message.
    public func clickCounts(from: Date, to: Date, campaign: String? = nil, perMessage: Bool = false) throws -> [ClickCount] {
        let group = perMessage ? "campaign, variant, message_key" : "campaign, variant"
        return try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT campaign, variant, \(perMessage ? "message_key" : "NULL") AS message_key, COUNT(*) AS clicks,
                       SUM(is_unique) AS unique_clicks, SUM(bot IS NOT NULL) AS bot_clicks,
                       COUNT(DISTINCT CASE WHEN bot IS NULL THEN message_key END) AS messages_clicked
                FROM click WHERE at >= ? AND at < ? AND (? IS NULL OR campaign = ?)
                GROUP BY \(group) ORDER BY \(group)
                """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970, campaign, campaign]).map { row in
                ClickCount(campaign: row["campaign"], variant: row["variant"], messageKey: row["message_key"], clicks: row["clicks"],
                           uniqueClicks: row["unique_clicks"], botClicks: row["bot_clicks"], messagesClicked: row["messages_clicked"])
            }
        }
    }
}

/// A link whose target is no absolute http(s) URL: never stored (the schedule's transaction is rolled back).
public struct InvalidLinkTarget: Error, CustomStringConvertible {
    public var target: String

    public var description: String {
        "a tracked link's target '\(target)' is not an absolute http(s) URL; it was not stored"
    }
}

/// Which shared link a planner asks for: one per campaign, variant and target.
public struct LinkRequestKey: Hashable, Sendable {
    public var campaign: String
    public var variant: String
    public var target: String

    public init(campaign: String, variant: String, target: String) {
        self.campaign = campaign
        self.variant = variant
        self.target = target
    }
}
