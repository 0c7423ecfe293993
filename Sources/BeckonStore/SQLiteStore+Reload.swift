import BeckonCore
import Foundation
import GRDB

/// What a configuration reload changes in the ledger: only messages still `scheduled` (waiting for their
/// send time, or for a retry or a deferral, which return to `scheduled`), never one already handed to a channel.
extension SQLiteStore {
    /// A waiting message's key and text, for composing it again from a changed template.
    public struct WaitingText: Hashable, Sendable {
        public var key: MessageKey
        public var text: String
        public var variant: String
        /// The tracked links of the new text (its old links that it no longer has are dropped).
        public var links: [TrackedLink]
        public var sendAt: Date

        public init(key: MessageKey, text: String, variant: String, links: [TrackedLink] = [], sendAt: Date = .distantPast) {
            self.key = key
            self.text = text
            self.variant = variant
            self.links = links
            self.sendAt = sendAt
        }
    }

    /// The waiting messages of these campaigns, in key order.
    public func waitingMessages(ofCampaigns campaigns: Set<String>) throws -> [WaitingText] {
        guard !campaigns.isEmpty else { return [] }
        return try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT key, text, variant, send_at FROM message
                WHERE campaign IN (SELECT value FROM json_each(?)) AND status = 'scheduled'
                ORDER BY key
                """, arguments: [Self.jsonArray(campaigns.sorted())]).compactMap { row in
                    MessageKey(parsing: row["key"]).map { WaitingText(key: $0, text: row["text"], variant: row["variant"],
                                                             sendAt: Date(timeIntervalSince1970: row["send_at"])) }
                }
        }
    }

    /// Gives waiting messages new texts (and the segments and encoding of those), in one transaction. A message
    /// no longer `scheduled` keeps what it went with. Returns how many changed.
    @discardableResult
    public func replaceWaitingTexts(_ texts: [WaitingText], at now: Date) throws -> Int {
        guard !texts.isEmpty else { return 0 }
        return try writer.write { db in
            var changed = 0
            let statement = try db.cachedStatement(sql: """
                UPDATE message SET text = ?, variant = ?, segments = ?, encoding = ?, updated_at = ?
                WHERE key = ? AND status = 'scheduled'
                """)
            for text in texts {
                let count = SegmentCounter.count(text.text)
                var update = BoundStatement(statement)
                update.bind(text.text); update.bind(text.variant); update.bind(count.segments); update.bind(count.encoding.rawValue)
                update.bind(now.timeIntervalSince1970); update.bind(text.key.description)
                try update.execute(in: db)
                guard db.changesCount > 0 else { continue }
                changed += 1
                try Self.dropLinks(of: text.key, keeping: text.links.map(\.token), in: db)
                if !text.links.isEmpty {
                    try Self.recordLinks(of: text.key, text.links, campaign: text.key.campaign, variant: text.variant, text: text.text,
                                         at: now, in: db)
                }
            }
            return changed
        }
    }

    static func jsonArray(_ values: [String]) -> String {
        JSONString.array(values)
    }
}
