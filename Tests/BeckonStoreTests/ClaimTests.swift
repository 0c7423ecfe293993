import BeckonCore
import BeckonStore
import Foundation
import GRDB
import Testing

@Suite("Claims: only what a claim changed is sent; recovery leaves a live process's messages alone")
struct ClaimTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    /// When the claims below are made: every message of `messages` is due by then.
    static let claimTime = now.addingTimeInterval(10)
    /// A pid no Linux system hands out (pid_max is at most 2^22), so its owner is surely gone.
    static let deadOwner = "2000000000:1"

    static func key(_ index: Int) -> MessageKey {
        MessageKey(campaign: "c", wave: 0, customer: "C\(index)", localDate: LocalDate(iso: "2027-01-15")!)
    }

    static func messages(_ count: Int) -> [PlannedMessage] {
        (0..<count).map { index in
            PlannedMessage(key: key(index), category: .care, phone: "+86138001\(String(format: "%05d", index))", channel: "sms",
                           text: "hi", sendAt: now.addingTimeInterval(Double(index % 7)), validUntil: now.addingTimeInterval(3600), reason: "r")
        }
    }

    /// A store on a real file, as two processes would share it (WAL, one writer at a time).
    static func fileStore() throws -> (URL, SQLiteStore) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-claims-\(UUID().uuidString)")
        let store = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
        return (folder, store)
    }

    @Test("two claimants racing over the same keys, in different orders and windows, each get a disjoint set; together all")
    func racingClaims() throws {
        let (folder, first) = try Self.fileStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A second connection pool on the same file: another process, as far as SQLite can tell.
        let second = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
        let all = Self.messages(2_000)
        _ = try first.schedule(all, at: Self.now)

        @Sendable func claimAll(_ store: SQLiteStore, as claimant: String, window: Int, order: [MessageKey]) throws -> [MessageKey] {
            var mine: [MessageKey] = []
            for start in stride(from: 0, to: order.count, by: window) {
                mine += try store.claim(Array(order[start..<min(start + window, order.count)]), by: claimant, at: Self.claimTime)
            }
            return mine
        }
        let keys = all.map(\.key)
        // Two threads at once, one from each end (so they meet), in windows of different sizes.
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let claimed = Result {
                index == 0 ? try claimAll(first, as: "A", window: 8, order: keys)
                           : try claimAll(second, as: "B", window: 13, order: keys.reversed())
            }
            results.set(index, claimed)
        }
        let claimedByA = try results.get(0), claimedByB = try results.get(1)

        #expect(Set(claimedByA).isDisjoint(with: claimedByB))
        #expect(Set(claimedByA).union(claimedByB) == Set(keys))
        #expect(claimedByA.count + claimedByB.count == keys.count, "a key was returned twice")
        // Each row names the claimant whose claim changed it, and counts one attempt.
        let owners = try first.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT key, claimed_by, attempts, status FROM message")
        }
        let byA = Set(claimedByA.map(\.description))
        for row in owners {
            #expect(row["status"] as String == "pending")
            #expect(row["attempts"] as Int == 1)
            #expect(row["claimed_by"] as String == (byA.contains(row["key"] as String) ? "A" : "B"))
        }
        // A claim of keys no longer scheduled changes nothing and returns nothing.
        #expect(try first.claim(keys, by: "C", at: Self.claimTime).isEmpty)
    }

    @Test("a claim over keys another claimant holds in part returns exactly the rest")
    func overlappingClaim() throws {
        let store = try SQLiteStore()
        let keys = Self.messages(100).map(\.key)
        _ = try store.schedule(Self.messages(100), at: Self.now)
        #expect(try store.claim(Array(keys[0..<60]), by: "A", at: Self.claimTime) == Array(keys[0..<60]))
        #expect(try store.claim(keys.reversed(), by: "B", at: Self.claimTime) == Array(keys[60...].reversed()))
    }

    @Test("a claim to send takes only what is due: a message deferred since it was read is not taken early")
    func claimTakesOnlyDue() throws {
        let store = try SQLiteStore()
        let all = Self.messages(3)
        _ = try store.schedule(all, at: Self.now)
        // The gate deferred message 1 to an hour later while a copy of it sat in the dispatcher's read-ahead.
        try store.record([DispatchOutcome(key: Self.key(1), status: .deferred, reasonCode: "outside_window",
                                          retryAt: Self.now.addingTimeInterval(3600))], at: Self.now)
        #expect(try store.entry(for: Self.key(1))?.status == .scheduled)
        #expect(try store.claim(all.map(\.key), by: "A", at: Self.claimTime) == [Self.key(0), Self.key(2)])
        #expect(try store.claim([Self.key(1)], by: "A", at: Self.now.addingTimeInterval(3600)) == [Self.key(1)])
    }

    @Test("a decision is recorded only for messages still scheduled: another claimant's message is left to it")
    func claimAndRecord() throws {
        let store = try SQLiteStore()
        let all = Self.messages(4)
        _ = try store.schedule(all, at: Self.now)
        _ = try store.claim([Self.key(1)], by: "other", at: Self.claimTime)
        let decided = all.map { DispatchOutcome(key: $0.key, status: .dropped, reasonCode: "lower_priority") }
        let applied = try store.claimAndRecord(decided, by: "me", at: Self.now)
        #expect(applied.map(\.key) == [Self.key(0), Self.key(2), Self.key(3)])
        #expect(try store.entry(for: Self.key(1))?.status == .pending)
        #expect(try store.entry(for: Self.key(0))?.status == .dropped)
        #expect(try store.entry(for: Self.key(0))?.attempts == 0, "a decision is not an attempt")
        let receipts = try store.receiptEvents(in: DateInterval(start: Self.now.addingTimeInterval(-1), duration: 60))
        #expect(Set(receipts.map(\.key)) == [Self.key(0), Self.key(2), Self.key(3)])
    }

    @Test("recovery takes over only rows whose claimant is gone; a live process's rows in flight stay pending")
    func recoverySkipsLiveOwners() throws {
        let store = try SQLiteStore()
        let all = Self.messages(6)
        _ = try store.schedule(all, at: Self.now)
        let live = ProcessInstance.current.id
        _ = try store.claim([Self.key(0), Self.key(1)], by: live, at: Self.claimTime)
        _ = try store.claim([Self.key(2), Self.key(3)], by: Self.deadOwner, at: Self.claimTime)
        // A pid that runs but started at another time: the pid was reused, the claimant is gone.
        _ = try store.claim([Self.key(4)], by: "\(ProcessInstance.current.pid):1", at: Self.claimTime)
        // Claimed before claimants were recorded.
        _ = try store.claim([Self.key(5)], by: "", at: Self.claimTime)

        let recovering = "recoverer"
        let taken = try store.pendingAfterCrash(takenOverBy: recovering, isAlive: ProcessInstance.isAlive)
        #expect(Set(taken.map(\.message.key)) == [Self.key(2), Self.key(3), Self.key(4), Self.key(5)])
        // Taken over: a second recovery running at the same time (or again) sees them as the recoverer's.
        #expect(try store.pendingAfterCrash(takenOverBy: "another", isAlive: { $0 == recovering || $0 == live }).isEmpty)
        #expect(try store.entry(for: Self.key(0))?.status == .pending)
        #expect(try store.entry(for: Self.key(1))?.status == .pending)
    }

    @Test("a process instance is alive while it runs, and not once its pid is gone or reused")
    func liveness() {
        #expect(ProcessInstance.isAlive(ProcessInstance.current.id))
        #expect(!ProcessInstance.isAlive(Self.deadOwner))
        #expect(!ProcessInstance.isAlive(nil))
        #expect(!ProcessInstance.isAlive("not an id"))
        #if os(Linux)
        #expect(!ProcessInstance.current.start.isEmpty)
        #expect(!ProcessInstance.isAlive("\(ProcessInstance.current.pid):1"))
        #endif
    }

    @Test("due batches read after a cursor neither repeat nor skip a message, whatever the send times")
    func dueCursor() throws {
        let store = try SQLiteStore()
        let all = Self.messages(1_003)
        _ = try store.schedule(all, at: Self.now)
        var cursor: DueCursor?
        var seen: [MessageKey] = []
        while true {
            let batch = try store.due(at: Self.now.addingTimeInterval(10), after: cursor, limit: 100)
            if batch.entries.isEmpty { break }
            seen += batch.entries.map(\.message.key)
            cursor = batch.next
        }
        #expect(seen.count == all.count)
        #expect(Set(seen) == Set(all.map(\.key)))
        // Oldest first: send time, then key.
        let order = seen.map { key in all.first { $0.key == key }!.sendAt }
        #expect(order == order.sorted())
        // Not yet due is not read.
        #expect(try store.due(at: Self.now.addingTimeInterval(2.5), after: nil, limit: 5_000).entries.count == all.filter { $0.sendAt <= Self.now.addingTimeInterval(2.5) }.count)
    }
}

/// Results from two threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Result<[MessageKey], any Error>] = [:]
    func set(_ index: Int, _ value: Result<[MessageKey], any Error>) { lock.withLock { values[index] = value } }
    func get(_ index: Int) throws -> [MessageKey] { try lock.withLock { values[index] }!.get() }
}

@Suite("The store lock: one writer per store, named to the next")
struct StoreLockTests {
    @Test("a second writer is refused at once with the holder's pid and command; the lock goes with its holder")
    func exclusive() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("var/beckon.sqlite").path
        #expect(SQLiteStore.lockHolder(database: database) == nil)

        var store: SQLiteStore? = try SQLiteStore.openExclusive(path: database, command: "beckon run", since: "2027-01-15T10:00:00+08:00")
        let lockFile = try #require(store?.lock?.lockFile)
        #expect(lockFile.hasSuffix("/var/beckon.sqlite.lock") && FileManager.default.fileExists(atPath: lockFile))
        let holder = try #require(SQLiteStore.lockHolder(database: database))
        #expect(holder.pid == getpid())
        #expect(holder.command == "beckon run")
        #expect(holder.since == "2027-01-15T10:00:00+08:00")
        #expect(holder.description == "pid \(getpid()) (beckon run, since 2027-01-15T10:00:00+08:00)")

        // Refused even from this process (the lock belongs to the open file, not the process), and at once.
        let started = ContinuousClock.now
        #expect {
            _ = try SQLiteStore.openExclusive(path: database, command: "beckon import", since: "")
        } throws: { error in
            guard case StoreLock.Failure.held(_, let by) = error else { return false }
            return by.pid == getpid() && by.command == "beckon run"
        }
        #expect(ContinuousClock.now - started < .seconds(1))
        // The same file by another spelling is the same lock.
        let spelled = folder.appendingPathComponent("var/../var/beckon.sqlite").path
        #expect(throws: StoreLock.Failure.self) { _ = try StoreLock.acquire(database: spelled, command: "x", since: "") }

        // Readers still open it beside the writer.
        #expect(try SQLiteStore(path: database).customerCount() == 0)

        store = nil
        #expect(SQLiteStore.lockHolder(database: database) == nil)
        let next = try SQLiteStore.openExclusive(path: database, command: "beckon import", since: "")
        #expect(SQLiteStore.lockHolder(database: database)?.command == "beckon import")
        _ = next
    }
}
