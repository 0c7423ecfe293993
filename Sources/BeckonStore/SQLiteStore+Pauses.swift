import BeckonCore
import Foundation
import GRDB

/// One thing `beckon pause` held back, and since when.
public struct SendPause: Hashable, Sendable {
    public enum Scope: String, Sendable, CaseIterable { case all, channel, campaign }

    public var scope: Scope
    /// The channel or campaign; empty for `all`.
    public var name: String
    public var since: Date

    public init(scope: Scope, name: String = "", since: Date) {
        self.scope = scope
        self.name = scope == .all ? "" : name
        self.since = since
    }
}

/// The operator's pauses, durable in the store. Written by `beckon pause`/`resume` beside a running daemon
/// (a small write outside the one-writer lock: it touches no message), read by the dispatch loop.
public protocol PauseStore: Sendable {
    func sendPauses() throws -> [SendPause]
    /// Adds pauses; one already in force keeps its original time.
    func pause(_ pauses: [SendPause]) throws
    /// Lifts the given pauses, or every pause when `pauses` is nil. Returns how many were lifted.
    @discardableResult
    func resume(_ pauses: [(scope: SendPause.Scope, name: String)]?) throws -> Int
}

extension PauseStore {
    /// The pauses as the dispatcher applies them.
    public func currentPauses() throws -> SendPauses {
        var result = SendPauses()
        for pause in try sendPauses() {
            switch pause.scope {
            case .all: result.all = true
            case .channel: result.channels.insert(pause.name)
            case .campaign: result.campaigns.insert(pause.name)
            }
        }
        return result
    }
}

extension SQLiteStore: PauseStore {
    public func sendPauses() throws -> [SendPause] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT scope, name, paused_at FROM send_pause ORDER BY paused_at, scope, name").compactMap { row in
                guard let scope = SendPause.Scope(rawValue: row["scope"]) else { return nil }
                return SendPause(scope: scope, name: row["name"], since: Date(timeIntervalSince1970: row["paused_at"]))
            }
        }
    }

    public func pause(_ pauses: [SendPause]) throws {
        try writer.write { db in
            for pause in pauses {
                try db.execute(sql: "INSERT OR IGNORE INTO send_pause (scope, name, paused_at) VALUES (?, ?, ?)",
                               arguments: [pause.scope.rawValue, pause.name, pause.since.timeIntervalSince1970])
            }
        }
    }

    public func resume(_ pauses: [(scope: SendPause.Scope, name: String)]?) throws -> Int {
        try writer.write { db in
            guard let pauses else {
                try db.execute(sql: "DELETE FROM send_pause")
                return db.changesCount
            }
            var lifted = 0
            for pause in pauses {
                try db.execute(sql: "DELETE FROM send_pause WHERE scope = ? AND name = ?",
                               arguments: [pause.scope.rawValue, pause.scope == .all ? "" : pause.name])
                lifted += db.changesCount
            }
            return lifted
        }
    }
}
