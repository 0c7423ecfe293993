import BeckonCore
import BeckonStore
import Crypto
import Foundation
import Logging

/// Takes complete files from `inbox/`, imports them, and moves them to `archive/` or `rejected/`.
///
/// Hand-off contract (see `inbox/README.md`): names ending `.tmp`/`.part` or starting with `.` are never
/// taken; a `NAME.done` or `NAME.ok` marker makes `NAME` ready at once; otherwise a file is ready when its
/// size and mtime have not changed for `stableSeconds`.
public final class InboxProcessor: @unchecked Sendable {
    public struct Outcome: Hashable, Sendable {
        public enum Kind: String, Sendable { case imported, duplicate, rejected }
        public var file: String
        public var kind: Kind
        public var rows: Int
        public var rejectedRows: Int
        public var detail: String
        /// The rows rejected (also in `rejected/NAME.errors.csv`).
        public var errors: [RowError] = []
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

    /// Files that are complete and may be taken now, in name order.
    public func readyFiles() throws -> [URL] {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: inbox.path).sorted()
        let markers = Set(names.filter { $0.hasSuffix(".done") || $0.hasSuffix(".ok") }.map { ($0 as NSString).deletingPathExtension })
        var ready: [URL] = []
        lock.lock()
        defer { lock.unlock() }
        for name in names {
            guard Self.isCandidate(name) else { continue }
            let url = inbox.appendingPathComponent(name)
            // Never follow a symlink: a link could point anywhere outside the inbox.
            guard let attributes = try? fm.attributesOfItem(atPath: url.path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = (attributes[.size] as? NSNumber)?.intValue,
                  let mtime = attributes[.modificationDate] as? Date else { continue }
            if markers.contains(name) {
                ready.append(url)
                continue
            }
            let previous = lastSeen[name]
            lastSeen[name] = (size, mtime)
            let quiet = fileClock.now.timeIntervalSince(mtime) >= stableSeconds
            let unchanged = previous.map { $0.size == size && $0.mtime == mtime } ?? (stableSeconds == 0 || quiet)
            if quiet && unchanged { ready.append(url) }
        }
        return ready
    }

    static func isCandidate(_ name: String) -> Bool {
        !(name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix(".done")
          || name.hasSuffix(".ok") || name == "README.md" || name == "archive" || name == "rejected")
    }

    /// Imports every ready file; one bad file never stops the others.
    public func processReadyFiles(now: Date, timeZone: TimeZone) -> [Outcome] {
        let files: [URL]
        do { files = try readyFiles() } catch {
            logger.error("cannot list inbox", metadata: ["inbox": "\(inbox.path)", "error": "\(error)"])
            return []
        }
        return files.map { process($0, now: now, timeZone: timeZone) }
    }

    public func process(_ url: URL, now: Date, timeZone: TimeZone, dryRun: Bool = false,
                        progress: ((Int, Int) -> Void)? = nil) -> Outcome {
        let name = url.lastPathComponent
        var converted: URL?
        defer { if let converted { try? FileManager.default.removeItem(at: converted) } }
        // Batches commit while the next one is parsed, each in one transaction with the progress that resumes
        // after it (see `WriteBehindQueue`).
        let commits = WriteBehindQueue(label: "beckon.import-commit")
        do {
            let sha = try Self.sha256(of: url)
            if let earlier = try store.importedFile(sha256: sha) {
                if !dryRun { try move(url, to: archive(for: now, timeZone: timeZone), renamedWith: ".duplicate") }
                logger.notice("skipped a file whose content was already imported",
                              metadata: ["file": "\(name)", "first_imported_as": "\(earlier.name)"])
                return Outcome(file: name, kind: .duplicate, rows: 0, rejectedRows: 0,
                               detail: "same content as \(earlier.name), imported \(ISOInstant.format(earlier.importedAt, in: timeZone))")
            }
            var readable = url
            let encoding = settings.encoding == .auto ? try TextEncoding.detect(url) : settings.encoding
            if encoding == .gb18030 {
                // Converted beside the inbox (same file system), hidden so no scan takes it, removed after.
                let copy = inbox.appendingPathComponent(".\(name).utf8.tmp")
                try TextEncoding.transcodeGB18030(url, to: copy)
                converted = copy
                readable = copy
            }
            var records = try RecordReader(url: readable, jsonLines: name.lowercased().hasSuffix(".jsonl"), file: name)
            guard let header = try records.header() else { throw UnreadableFile(file: name, reason: "the file is empty") }
            let kind = InboxFileKind.detect(name: name, header: header)
            let importer = try FileImport(kind: kind, header: header, file: name, settings: settings, zone: timeZone, now: now)
            let resume = dryRun ? nil : try store.importProgress(sha256: sha)
            var state = ImportProgress(sha256: sha, name: name, nextLine: resume?.nextLine ?? 0, rows: resume?.rows ?? 0,
                                       rejectedRows: resume?.rejectedRows ?? 0)
            var errors: [RowError] = []
            var reviews: [String] = []
            var batch = ImportBatch()
            var batchRows = 0
            var lastLine = 0
            func commit() throws {
                if !dryRun {
                    let (batch, state, store) = (batch, state, store)
                    try commits.submit { try store.commitBatch(batch, progress: state) }
                }
                batch = ImportBatch()
                batchRows = 0
                progress?(state.rows, state.rejectedRows)
            }
            while let record = try records.next() {
                lastLine = record.line
                // Rows committed before a crash are not applied twice.
                if record.line < state.nextLine { continue }
                state.rows += 1
                batchRows += 1
                switch importer.parse(record) {
                case .failure(let error):
                    if dryRun { errors.append(error) }
                    batch.errors.append(ImportRowError(line: error.line, field: error.field, value: error.value, reason: error.reason))
                    state.rejectedRows += 1
                case .success(let change):
                    change.apply(to: &batch, reviews: &reviews)
                }
                if batchRows >= settings.batchSize {
                    state.nextLine = record.line + 1
                    try commit()
                }
            }
            state.nextLine = lastLine + 1
            try commit()
            try commits.finish()
            let record = ImportedFile(sha256: sha, name: name, rows: state.rows, rejectedRows: state.rejectedRows, importedAt: now)
            if !dryRun {
                // Every rejected row, including those committed before a crash, from the store.
                errors = try store.rowErrors(sha256: sha).map { RowError(file: name, line: $0.line, field: $0.field, value: $0.value, reason: $0.reason) }
                if !errors.isEmpty { try writeErrors(errors, for: name) }
                if !reviews.isEmpty { try writeReviews(reviews, for: name) }
                try store.finishImport(record, snapshot: kind == .customers && InboxFileKind.isSnapshot(name))
                // Scores are quintiles over everyone: a customer file moves every customer's boundaries.
                if kind == .customers { try store.refreshRFMBreakpoints(at: now) }
                try move(url, to: archive(for: now, timeZone: timeZone))
            }
            logger.info("imported \(kind.rawValue) file", metadata: ["file": "\(name)", "rows": "\(state.rows)", "rejected": "\(state.rejectedRows)"])
            let duplicates = importer.duplicateIDs
            return Outcome(file: name, kind: .imported, rows: state.rows, rejectedRows: state.rejectedRows,
                           detail: [kind.rawValue, duplicates > 0 ? "\(duplicates) duplicate id(s), last row wins" : nil,
                                    reviews.isEmpty ? nil : "\(reviews.count) reply(ies) to review"].compactMap { $0 }.joined(separator: "; "),
                           errors: errors)
        } catch {
            // A batch may still be committing: wait for it before the file moves (its error, if any, is this one
            // or came after it).
            try? commits.finish()
            let reason = "\(error)"
            logger.error("quarantined an unreadable file", metadata: ["file": "\(name)", "reason": "\(reason)"])
            if !dryRun {
                try? move(url, to: rejected)
                try? Data((reason + "\n").utf8).write(to: rejected.appendingPathComponent(name + ".reason"), options: .atomic)
            }
            return Outcome(file: name, kind: .rejected, rows: 0, rejectedRows: 0, detail: reason)
        }
    }

    /// Imports a file given on the command line: as `process`, but the file stays where it is.
    public func importKeepingFile(_ url: URL, now: Date, timeZone: TimeZone, progress: ((Int, Int) -> Void)? = nil) -> Outcome {
        keepFiles = true
        defer { keepFiles = false }
        return process(url, now: now, timeZone: timeZone, progress: progress)
    }

    func archive(for now: Date, timeZone: TimeZone) -> URL {
        archive.appendingPathComponent(LocalDate(now, in: timeZone).description)
    }

    /// Moves a file, never overwriting an earlier one of the same name.
    func move(_ url: URL, to folder: URL, renamedWith suffix: String = "") throws {
        if keepFiles { return }
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        var target = folder.appendingPathComponent(url.lastPathComponent + suffix)
        var counter = 1
        while fm.fileExists(atPath: target.path) {
            counter += 1
            target = folder.appendingPathComponent("\(url.lastPathComponent)\(suffix).\(counter)")
        }
        try fm.moveItem(at: url, to: target)
        for marker in [".done", ".ok"] {
            try? fm.removeItem(at: url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + marker))
        }
    }

    /// `rejected/NAME.errors.csv`: line, field, value, reason.
    func writeErrors(_ errors: [RowError], for name: String) throws {
        try FileManager.default.createDirectory(at: rejected, withIntermediateDirectories: true)
        let url = rejected.appendingPathComponent(name + ".errors.csv")
        var text = "line,field,value,reason\n"
        for error in errors {
            text += CSVField.line([String(error.line), error.field, error.value, error.reason]) + "\n"
        }
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    func writeReviews(_ reviews: [String], for name: String) throws {
        try FileManager.default.createDirectory(at: rejected, withIntermediateDirectories: true)
        try Data((reviews.joined(separator: "\n") + "\n").utf8).write(to: rejected.appendingPathComponent(name + ".review.txt"), options: .atomic)
    }

    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().hexString
    }
}
