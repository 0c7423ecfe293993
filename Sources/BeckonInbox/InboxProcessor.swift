import BeckonCore
import BeckonStore
import Crypto
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Takes complete files from `inbox/`, imports them whole, and moves them to `archive/`, `rejected/` or `held/`.
///
/// Hand-off contract (see `inbox/README.md`): names ending `.tmp`/`.part` or starting with `.` are never
/// taken; a `NAME.done`, `NAME.ok` or `NAME.snapshot` marker makes `NAME` ready at once; otherwise a file is
/// ready when its size and mtime have not changed for `stableSeconds`.
///
/// A file lands whole or not at all. Before its first batch is committed, the whole file is read once: its
/// kind is decided, every record is framed (an unclosed quote that swallows the rest is found here), and a
/// snapshot's effect is measured. Whatever fails there quarantines the file with nothing applied. After it,
/// only the store can fail (or the process die): the file then stays in the inbox, and the next attempt resumes
/// after the last committed batch with the kind recorded in the store. Bad rows are row errors with their line.
public final class InboxProcessor: @unchecked Sendable {
    public struct Outcome: Hashable, Sendable {
        public enum Kind: String, Sendable {
            case imported, duplicate, rejected
            /// A snapshot that would deactivate too many customers: in `held/` until confirmed.
            case held
            /// Not taken yet (too recently changed); the detail says when it will be.
            case waiting
            /// Another process took or moved the file first: not an error.
            case gone
            /// The store failed midway (disk full, locked): the file stays and the import resumes next time.
            case interrupted
        }
        public var file: String
        public var kind: Kind
        public var rows: Int
        public var rejectedRows: Int
        public var detail: String
        /// The rows rejected (also in `rejected/NAME.errors.csv`).
        public var errors: [RowError] = []
        /// A conversions file: from its earliest to its latest conversion stored by this run (what to attribute).
        public var conversionsSpan: DateInterval?
    }

    let inbox: URL
    let store: any ImportJournal
    let stableSeconds: Double
    let settings: InboxSettings
    let fileClock: any WallClock
    let logger: Logger
    /// Size and mtime seen at the previous scan: a file must look the same twice to count as complete.
    private var lastSeen: [String: (size: Int, mtime: Date)] = [:]
    /// `beckon import`: leave the operator's files where they are.
    private var keepFiles = false
    private let lock = NSLock()

    public init(inbox: URL, store: any ImportJournal, stableSeconds: Double, settings: InboxSettings = InboxSettings(),
                fileClock: any WallClock, logger: Logger) {
        self.settings = settings
        self.inbox = inbox
        self.store = store
        self.stableSeconds = stableSeconds
        self.fileClock = fileClock
        self.logger = logger
    }

    public var archive: URL { inbox.appendingPathComponent("archive") }
    public var rejected: URL { inbox.appendingPathComponent("rejected") }
    public var held: URL { inbox.appendingPathComponent("held") }

    static let markers = [".done", ".ok", ".snapshot"]

    /// Files that are complete and may be taken now, in name order.
    public func readyFiles() throws -> [URL] { try scan(timeZone: .gmt).ready }

    /// Files that may be taken now, and the ones left for later with why and when.
    public func scan(timeZone: TimeZone) throws -> (ready: [URL], waiting: [Outcome]) {
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted()
        let present = Set(names)
        var ready: [URL] = []
        var waiting: [Outcome] = []
        lock.lock()
        defer { lock.unlock() }
        let now = fileClock.now
        for name in names {
            guard Self.isCandidate(name) else { continue }
            let url = inbox.appendingPathComponent(name)
            // Only regular files (lstat: a symlink could point anywhere, a FIFO would block the reader).
            guard case let (size, mtime)? = InboxFile.isRegular(url) else { continue }
            if Self.markers.contains(where: { present.contains(name + $0) }) {
                ready.append(url)
                continue
            }
            let previous = lastSeen[name]
            lastSeen[name] = (size, mtime)
            let quiet = now.timeIntervalSince(mtime) >= stableSeconds
            let unchanged = previous.map { $0.size == size && $0.mtime == mtime } ?? (stableSeconds == 0 || quiet)
            if quiet && unchanged {
                ready.append(url)
                continue
            }
            let earliest: Date = max(mtime.addingTimeInterval(stableSeconds), now)
            let from: String = ISOInstant.format(earliest, in: timeZone)
            let wait: String = Self.seconds(stableSeconds)
            let detail: String
            if !unchanged && quiet {
                detail = "changed since the last look; taken once unchanged for stable_seconds (\(wait)), from \(from) at the earliest"
            } else {
                let modified: String = ISOInstant.format(mtime, in: timeZone)
                detail = "modified \(modified), less than stable_seconds (\(wait)) ago: taken from \(from) by the next cycle or run"
                    + " (a copy made without cp -p carries the copy's time; write an empty \(name).done beside it to have it taken at once)"
            }
            waiting.append(Outcome(file: name, kind: .waiting, rows: 0, rejectedRows: 0, detail: detail))
        }
        lastSeen = lastSeen.filter { present.contains($0.key) }
        return (ready, waiting)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    static func isCandidate(_ name: String) -> Bool {
        !(name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || markers.contains(where: name.hasSuffix)
          || name == "README.md" || name == "archive" || name == "rejected" || name == "held")
    }

    /// Imports every ready file; one bad file never stops the others. Files left for later come last.
    public func processReadyFiles(now: Date, timeZone: TimeZone) -> [Outcome] {
        let found: (ready: [URL], waiting: [Outcome])
        do { found = try scan(timeZone: timeZone) } catch {
            logger.error("cannot list inbox", metadata: ["inbox": "\(inbox.path)", "error": "\(error)"])
            return []
        }
        return found.ready.map { process($0, now: now, timeZone: timeZone) } + found.waiting
    }

    /// The decisions made before anything is committed.
    private struct Plan {
        var sha: String
        var encoding: TextEncoding
        var decision: InboxFileDecision
        var jsonColumns: [String]
        var resume: ImportProgress?
        /// A customer CSV file's records that need no parsing (nil: parse every record).
        var skips: RecordSkips?
    }

    private struct Quarantine: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    private struct Hold: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// - Parameter confirmSnapshot: `beckon import --confirm-snapshot`: a snapshot, applied whatever it deactivates.
    public func process(_ url: URL, now: Date, timeZone: TimeZone, dryRun: Bool = false, confirmSnapshot: Bool = false,
                        progress: ((Int, Int) -> Void)? = nil) -> Outcome {
        let name = url.lastPathComponent
        let file: InboxFile
        do { file = try InboxFile(url) } catch let error as InboxFile.Gone {
            logger.info("a file left the inbox before it was read", metadata: ["file": "\(name)"])
            return Outcome(file: name, kind: .gone, rows: 0, rejectedRows: 0, detail: error.description)
        } catch {
            return quarantine(url, reason: "\(error)", dryRun: dryRun)
        }

        // 1. Everything that can make the file unreadable, before anything is written.
        let plan: Plan
        do {
            let sha = try Self.sha256(of: file.handle)
            if let earlier = try store.importedFile(sha256: sha) {
                if !dryRun {
                    do { try move(url, to: archive(for: now, timeZone: timeZone), renamedWith: ".duplicate") } catch where Self.isGone(error) {
                        return Outcome(file: name, kind: .gone, rows: 0, rejectedRows: 0, detail: InboxFile.Gone(name: name).description)
                    }
                }
                logger.notice("skipped a file whose content was already imported",
                              metadata: ["file": "\(name)", "first_imported_as": "\(earlier.name)"])
                return Outcome(file: name, kind: .duplicate, rows: 0, rejectedRows: 0,
                               detail: "same content as \(earlier.name), imported \(ISOInstant.format(earlier.importedAt, in: timeZone))")
            }
            let resume = dryRun ? nil : try store.importProgress(sha256: sha)
            let declared = confirmSnapshot || FileManager.default.fileExists(atPath: url.path + ".snapshot")
            plan = try prepare(file, name: name, sha: sha, resume: resume, declaredSnapshot: declared,
                               checkSnapshotShare: !confirmSnapshot, zone: timeZone, fingerprints: !dryRun && settings.skipsUnchangedRows)
        } catch let hold as Hold {
            return self.hold(url, reason: hold.reason, dryRun: dryRun)
        } catch {
            return quarantine(url, reason: "\(error)", dryRun: dryRun)
        }

        // 2. The rows, batch by batch. Only the store (or a file changed under us) can fail from here on.
        let commits = WriteBehindQueue(label: "beckon.import-commit")
        do {
            try file.rewind()
            let jsonLines = Self.isJSONLines(name)
            var records = RecordReader(csv: CSVReader(handle: file.handle, encoding: plan.encoding, delimitedByLinesOnly: jsonLines),
                                       jsonLines: jsonLines, jsonColumns: plan.jsonColumns, file: name)
            let header = try records.header()
            let kind = plan.decision.kind
            let importer = try FileImport(kind: kind, header: header, file: name, settings: settings, zone: timeZone, now: now,
                                          checksFieldCount: !jsonLines)
            let resume = plan.resume
            var state = ImportProgress(sha256: plan.sha, name: name, nextLine: resume?.nextLine ?? 0, rows: resume?.rows ?? 0,
                                       rejectedRows: resume?.rejectedRows ?? 0, kind: kind.rawValue, snapshot: plan.decision.snapshot)
            var errors: [RowError] = []
            var reviews: [String] = []
            var batch = ImportBatch()
            var batchRows = 0
            var lastLine = 0
            var conversionsSpan: DateInterval?
            // A coupons file's codes so far, `pool \u{1F} code` -> line: a code is one row of one pool.
            var couponLines: [String: Int] = [:]
            func commit() throws {
                if !batch.coupons.isEmpty { try refuseDuplicateCoupons() }
                // A conversion of a customer the store does not know is a row error on its line.
                if !batch.conversions.isEmpty {
                    let known = try store.knownCustomerIDs(among: batch.conversions.map(\.conversion.customerID))
                    let unknown = batch.conversions.filter { !known.contains($0.conversion.customerID) }
                    batch.conversions.removeAll { !known.contains($0.conversion.customerID) }
                    for row in batch.conversions {
                        let at = row.conversion.occurredAt
                        conversionsSpan = conversionsSpan.map { DateInterval(start: min($0.start, at), end: max($0.end, at)) }
                            ?? DateInterval(start: at, duration: 0)
                    }
                    for row in unknown {
                        let error = RowError(file: name, line: row.line, field: "customer_id", value: row.conversion.customerID,
                                             reason: "unknown customer: no customer file has listed this id")
                        if dryRun { errors.append(error) }
                        batch.errors.append(ImportRowError(line: error.line, field: error.field, value: error.value, reason: error.reason))
                        state.rejectedRows += 1
                    }
                }
                if !dryRun {
                    let (batch, state, store) = (batch, state, store)
                    try commits.submit { try store.commitBatch(batch, progress: state) }
                }
                batch = ImportBatch()
                batchRows = 0
                progress?(state.rows, state.rejectedRows)
            }
            /// A code listed twice (on two rows of this file, or already in the pool from another file) is a row
            /// error on the later row; the same row committed before a crash is not a duplicate of itself.
            func refuseDuplicateCoupons() throws {
                let stored = try store.couponSources(among: batch.coupons.map(\.coupon))
                var kept: [ImportedCoupon] = []
                for row in batch.coupons {
                    let id = row.coupon.pool + "\u{1F}" + row.coupon.code
                    let earlier = couponLines[id].map { "line \($0) of this file" }
                        ?? stored[id].flatMap { $0 == "\(name):\(row.line)" ? nil : $0 }
                    guard let earlier else {
                        couponLines[id] = row.line
                        kept.append(row)
                        continue
                    }
                    let error = RowError(file: name, line: row.line, field: "code", value: row.coupon.code,
                                         reason: "duplicate code: pool '\(row.coupon.pool)' already has it (\(earlier)); a code is given once")
                    if dryRun { errors.append(error) }
                    batch.errors.append(ImportRowError(line: error.line, field: error.field, value: error.value, reason: error.reason))
                    state.rejectedRows += 1
                }
                batch.coupons = kept
            }
            var skips = plan.skips
            var ordinal = -1
            var skipping = false
            while true {
                ordinal += 1
                if let skips, skips.shouldSkip(ordinal) {
                    // Unchanged since the previous file of this context: a full parse would write nothing.
                    if let point = skips.resumePoint(after: ordinal) {
                        // Not read at all: the next record parsed is sought from where this one ends.
                        skipping = true
                        lastLine = point.line - 1
                    } else {
                        guard let framed = try records.skip() else { break }
                        lastLine = framed.endLine
                    }
                    state.rows += 1
                    continue
                }
                if skipping, let point = skips?.resumePoint(after: ordinal - 1) {
                    try records.seek(to: point)
                    skipping = false
                }
                let record: CSVReader.Record
                if skips?.collecting == true, let idField = skips?.idField {
                    guard let next = try records.nextWithFingerprint(idField: idField) else { break }
                    record = next.record
                    skips?.record(high: next.high, low: next.low, idHash: next.idHash)
                } else {
                    guard let next = try records.next() else { break }
                    record = next
                }
                lastLine = record.endLine
                // Rows committed before a crash are not applied twice.
                if record.line < state.nextLine { continue }
                state.rows += 1
                batchRows += 1
                switch importer.parse(record) {
                case .failure(let error):
                    if dryRun { errors.append(error) }
                    batch.errors.append(ImportRowError(line: error.line, field: error.field, value: error.value, reason: error.reason))
                    state.rejectedRows += 1
                    skips?.markRejected(ordinal)
                    if plan.decision.snapshot, let id = importer.customerID(of: record) { batch.listedIDs.append(id) }
                case .success(let change):
                    change.apply(to: &batch, reviews: &reviews)
                }
                if batchRows >= settings.batchSize {
                    state.nextLine = record.endLine + 1
                    try commit()
                }
            }
            state.nextLine = max(state.nextLine, lastLine + 1)
            try commit()
            try commits.finish()
            let record = ImportedFile(sha256: plan.sha, name: name, rows: state.rows, rejectedRows: state.rejectedRows, importedAt: now)
            var notes: [String] = []
            if !dryRun {
                // Every rejected row, including those committed before a crash, from the store.
                errors = try store.rowErrors(sha256: plan.sha).map { RowError(file: name, line: $0.line, field: $0.field, value: $0.value, reason: $0.reason) }
                if !errors.isEmpty { writeReport(ReportName.derived(name, ".errors.csv"), Self.errorsCSV(errors), about: name) }
                if !reviews.isEmpty { writeReport(ReportName.derived(name, ".review.txt"), reviews.joined(separator: "\n") + "\n", about: name) }
                // The RFM boundaries move with the customers, but are recomputed by the planner when due
                // (`RFMRefresh`), not after every file: a one-row file must not rescan a million customers.
                try store.finishImport(record, snapshot: plan.decision.snapshot, fingerprints: skips?.nextSet())
                do {
                    try finish(url, now: now, timeZone: timeZone)
                } catch where Self.isGone(error) {
                    notes.append("the file was moved by another process meanwhile")
                }
            }
            logger.info("imported \(kind.rawValue) file", metadata: ["file": "\(name)", "rows": "\(state.rows)", "rejected": "\(state.rejectedRows)"])
            var detail: [String] = [plan.decision.why]
            if let skips, skips.skipped > 0 { detail.append("\(skips.skipped) row(s) unchanged since the previous file, not parsed again") }
            if importer.duplicateIDs > 0 { detail.append("\(importer.duplicateIDs) duplicate id(s), last row wins") }
            if !reviews.isEmpty { detail.append("\(reviews.count) reply(ies) to review") }
            detail.append(contentsOf: notes)
            return Outcome(file: name, kind: .imported, rows: state.rows, rejectedRows: state.rejectedRows,
                           detail: detail.joined(separator: "; "), errors: errors, conversionsSpan: conversionsSpan)
        } catch {
            // A batch may still be committing: wait for it (its error, if any, is this one or came after it).
            try? commits.finish()
            if dryRun { return Outcome(file: name, kind: .rejected, rows: 0, rejectedRows: 0, detail: "\(error)") }
            logger.error("import interrupted; the file stays in the inbox and resumes after its last committed batch",
                         metadata: ["file": "\(name)", "error": "\(error)"])
            return Outcome(file: name, kind: .interrupted, rows: 0, rejectedRows: 0,
                           detail: "\(error); the file stays in the inbox and the import resumes after its last committed batch")
        }
    }

    /// Reads the file once to decide its kind, check that it can be read whole, and (for a snapshot) measure it.
    private func prepare(_ file: InboxFile, name: String, sha: String, resume: ImportProgress?, declaredSnapshot: Bool,
                         checkSnapshotShare: Bool, zone: TimeZone, fingerprints: Bool) throws -> Plan {
        try file.rewind()
        let encoding: TextEncoding
        if settings.encoding != .auto {
            encoding = settings.encoding
        } else {
            do { encoding = try TextEncoding.detect(file.handle) } catch { throw Quarantine(reason: "\(error)") }
        }
        var jsonColumns: [String] = []
        if Self.isJSONLines(name) { jsonColumns = try scanJSONColumns(file, encoding: encoding) }
        if let resume, let kind = InboxFileKind(rawValue: resume.kind) {
            // A resumed import keeps what was decided before its first batch, and its file was read whole then.
            return Plan(sha: sha, encoding: encoding, decision: InboxFileDecision(kind: kind, snapshot: resume.snapshot, why: "\(kind.rawValue), resumed"),
                        jsonColumns: jsonColumns, resume: resume)
        }
        let header = try readHeader(file, name: name, encoding: encoding, jsonColumns: jsonColumns)
        let decision = try InboxFileDecision.decide(name: name, header: header, aliases: settings.aliases, patterns: settings.kinds,
                                                    declaredSnapshot: declaredSnapshot).get()
        // The parsers check the header now, so a file missing columns is refused before any batch.
        let parsers = Result { () throws(UnreadableFile) -> FileImport in
            try FileImport(kind: decision.kind, header: header, file: name, settings: settings, zone: .gmt, now: Date(timeIntervalSince1970: 0))
        }
        if case .failure(let error) = parsers {
            guard decision.why == InboxFileDecision.byDefault else { throw error }
            throw UnreadableFile(file: name, reason: "\(error.reason) (read as a customer file: the name matches no pattern of inbox.kinds)")
        }
        var skips: RecordSkips?
        if decision.snapshot {
            // Snapshots parse every record: each listed row must carry the snapshot's seen_in.
            try checkSnapshot(file, name: name, encoding: encoding, header: header, enforce: checkSnapshotShare)
        } else if fingerprints, decision.kind == .customers, !Self.isJSONLines(name), case .success(let importer) = parsers,
                  let idField = importer.customers?.position.customerID {
            let context = RecordSkips.context(kind: decision.kind, header: header, settings: settings, encoding: encoding, zone: zone)
            try file.rewind()
            var reader = CSVReader(handle: file.handle, encoding: encoding)
            do { skips = try RecordSkips.scan(&reader, idField: idField, context: context, store: store) }
            catch let error as CSVError { throw Quarantine(reason: "\(error)") }
        } else {
            try validateRecords(file, encoding: encoding, jsonLines: Self.isJSONLines(name))
        }
        return Plan(sha: sha, encoding: encoding, decision: decision, jsonColumns: jsonColumns, resume: resume, skips: skips)
    }

    private func scanJSONColumns(_ file: InboxFile, encoding: TextEncoding) throws -> [String] {
        try file.rewind()
        var scan = CSVReader(handle: file.handle, encoding: encoding, delimitedByLinesOnly: true)
        do { return try JSONLinesColumns.scan(&scan) } catch { throw Quarantine(reason: "\(error)") }
    }

    private func readHeader(_ file: InboxFile, name: String, encoding: TextEncoding, jsonColumns: [String]) throws -> [String] {
        try file.rewind()
        let jsonLines = Self.isJSONLines(name)
        var records = RecordReader(csv: CSVReader(handle: file.handle, encoding: encoding, delimitedByLinesOnly: jsonLines),
                                   jsonLines: jsonLines, jsonColumns: jsonColumns, file: name)
        do { return try records.header() } catch let error as CSVError { throw Quarantine(reason: "\(error)") }
    }

    /// Frames every record to the end: an unclosed quote is found before anything is written.
    private func validateRecords(_ file: InboxFile, encoding: TextEncoding, jsonLines: Bool) throws {
        // JSON Lines cannot fail to frame (quotes are the JSON's own), and its scan already read every line.
        guard !jsonLines else { return }
        try file.rewind()
        var reader = CSVReader(handle: file.handle, encoding: encoding)
        do { _ = try reader.validateToEnd() } catch { throw Quarantine(reason: "\(error)") }
    }

    /// Counts the active customers a snapshot would make inactive; more than the configured share is held.
    private func checkSnapshot(_ file: InboxFile, name: String, encoding: TextEncoding, header: [String], enforce: Bool) throws {
        let jsonLines = Self.isJSONLines(name)
        let importer = try FileImport(kind: .customers, header: header, file: name, settings: settings, zone: .gmt,
                                      now: Date(timeIntervalSince1970: 0))
        try file.rewind()
        var records = RecordReader(csv: CSVReader(handle: file.handle, encoding: encoding, delimitedByLinesOnly: jsonLines),
                                   jsonLines: jsonLines, jsonColumns: jsonLines ? header : [], file: name)
        _ = try records.header()
        var seen = Set<Int>()
        var fresh: [String] = []
        var listedActive = 0
        while true {
            let next: CSVReader.Record?
            do { next = try records.next() } catch { throw Quarantine(reason: "\(error)") }
            guard let record = next else { break }
            guard let id = importer.customerID(of: record) else { continue }
            // Ids deduplicated by a 64-bit hash: 8 bytes an id, where a million strings would take tens of MB.
            guard seen.insert(id.hashValue).inserted else { continue }
            fresh.append(id)
            if fresh.count >= 5_000 {
                listedActive += try store.activeCustomerCount(among: fresh)
                fresh.removeAll(keepingCapacity: true)
            }
        }
        listedActive += try store.activeCustomerCount(among: fresh)
        guard enforce else { return }
        let active = try store.activeCustomerCount(among: nil)
        let deactivated = active - listedActive
        guard active > 0, Double(deactivated) > Double(active) * settings.snapshotMaxDeactivate else { return }
        let share = String(format: "%.1f%%", Double(deactivated) * 100 / Double(active))
        let limit = String(format: "%g%%", settings.snapshotMaxDeactivate * 100)
        throw Hold(reason: "held: this snapshot lists \(seen.count) customer(s) and would make \(deactivated) of the \(active) active customers inactive (\(share), more than inbox.snapshot_max_deactivate \(limit)). Nothing was applied. If it is right: beckon import --confirm-snapshot \(held.appendingPathComponent(name).path)")
    }

    /// Imports a file given on the command line: as `process`, but the file stays where it is (a confirmed
    /// snapshot held in `held/` moves to the archive, since the inbox put it there).
    public func importKeepingFile(_ url: URL, now: Date, timeZone: TimeZone, confirmSnapshot: Bool = false,
                                  progress: ((Int, Int) -> Void)? = nil) -> Outcome {
        let inHeld = url.deletingLastPathComponent().standardizedFileURL.path == held.standardizedFileURL.path
        keepFiles = !inHeld
        defer { keepFiles = false }
        let outcome = process(url, now: now, timeZone: timeZone, confirmSnapshot: confirmSnapshot, progress: progress)
        if inHeld, outcome.kind == .imported {
            try? FileManager.default.removeItem(at: held.appendingPathComponent(ReportName.derived(url.lastPathComponent, ".reason")))
        }
        return outcome
    }

    static func isJSONLines(_ name: String) -> Bool { name.lowercased().hasSuffix(".jsonl") }

    func archive(for now: Date, timeZone: TimeZone) -> URL {
        archive.appendingPathComponent(LocalDate(now, in: timeZone).description)
    }

    private func finish(_ url: URL, now: Date, timeZone: TimeZone) throws {
        try move(url, to: archive(for: now, timeZone: timeZone))
    }

    /// Moves the file to `rejected/` with `NAME.reason`; nothing of it was applied.
    private func quarantine(_ url: URL, reason: String, dryRun: Bool) -> Outcome {
        let name = url.lastPathComponent
        if !dryRun {
            do {
                try move(url, to: rejected)
            } catch where Self.isGone(error) {
                return Outcome(file: name, kind: .gone, rows: 0, rejectedRows: 0, detail: InboxFile.Gone(name: name).description)
            } catch {
                logger.error("cannot move a rejected file", metadata: ["file": "\(name)", "error": "\(error)"])
            }
            writeReport(ReportName.derived(name, ".reason"), reason + "\n", about: name)
        }
        logger.error("quarantined an unreadable file", metadata: ["file": "\(name)", "reason": "\(reason)"])
        return Outcome(file: name, kind: .rejected, rows: 0, rejectedRows: 0, detail: reason)
    }

    /// Moves a snapshot to `held/` with `NAME.reason`; nothing of it was applied.
    private func hold(_ url: URL, reason: String, dryRun: Bool) -> Outcome {
        let name = url.lastPathComponent
        if !dryRun {
            do {
                try move(url, to: held)
            } catch where Self.isGone(error) {
                return Outcome(file: name, kind: .gone, rows: 0, rejectedRows: 0, detail: InboxFile.Gone(name: name).description)
            } catch {
                logger.error("cannot move a held file", metadata: ["file": "\(name)", "error": "\(error)"])
            }
            writeReport(ReportName.derived(name, ".reason"), reason + "\n", in: held, about: name)
        }
        logger.warning("held a snapshot", metadata: ["file": "\(name)", "reason": "\(reason)"])
        return Outcome(file: name, kind: .held, rows: 0, rejectedRows: 0, detail: reason)
    }

    static func isGone(_ error: any Error) -> Bool {
        if let error = error as? CocoaError, error.code == .fileNoSuchFile || error.code == .fileReadNoSuchFile { return true }
        if let error = error as? POSIXError, error.code == .ENOENT { return true }
        let ns = error as NSError
        return ns.domain == NSPOSIXErrorDomain && ns.code == Int(ENOENT)
    }

    /// Moves a file, never overwriting an earlier one of the same name.
    func move(_ url: URL, to folder: URL, renamedWith suffix: String = "") throws {
        if keepFiles { return }
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        var target = folder.appendingPathComponent(ReportName.derived(url.lastPathComponent, suffix))
        var counter = 1
        while fm.fileExists(atPath: target.path) {
            counter += 1
            target = folder.appendingPathComponent(ReportName.derived(url.lastPathComponent, "\(suffix).\(counter)"))
        }
        try fm.moveItem(at: url, to: target)
        for marker in Self.markers {
            try? fm.removeItem(at: url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + marker))
        }
    }

    /// `rejected/NAME.errors.csv`: line, field, value, reason; every field through `CSVField` (formulas neutralised).
    static func errorsCSV(_ errors: [RowError]) -> String {
        var text = "line,field,value,reason\n"
        for error in errors {
            text += CSVField.line([String(error.line), error.field, error.value, error.reason]) + "\n"
        }
        return text
    }

    /// Writes a report beside the rejected files; a failure is logged (the outcome still carries the reason).
    private func writeReport(_ fileName: String, _ text: String, in folder: URL? = nil, about name: String) {
        let folder = folder ?? rejected
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // Written under a short temporary name and renamed: Foundation's atomic write builds its temporary
            // name from the target's, which fails past 255 bytes however the target itself is shortened.
            let temporary = folder.appendingPathComponent(".beckon-\(UUID().uuidString).tmp")
            try Data(text.utf8).write(to: temporary)
            if rename(temporary.path, folder.appendingPathComponent(fileName).path) != 0 {
                let code = errno
                try? FileManager.default.removeItem(at: temporary)
                throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
            }
        } catch {
            logger.error("cannot write a report file", metadata: ["file": "\(name)", "report": "\(fileName)", "error": "\(error)"])
        }
    }

    static func sha256(of handle: FileHandle) throws -> String {
        try handle.seek(toOffset: 0)
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().hexString
    }
}
