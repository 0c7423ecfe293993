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
    }

    let inbox: URL
    let store: any ImportJournal
    let stableSeconds: Double
    let fileClock: any WallClock
    let logger: Logger
    /// Size and mtime seen at the previous scan: a file must look the same twice to count as complete.
    private var lastSeen: [String: (size: Int, mtime: Date)] = [:]
    private let lock = NSLock()

    public init(inbox: URL, store: any ImportJournal, stableSeconds: Double, fileClock: any WallClock, logger: Logger) {
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

    public func process(_ url: URL, now: Date, timeZone: TimeZone) -> Outcome {
        let name = url.lastPathComponent
        do {
            let sha = try Self.sha256(of: url)
            if let earlier = try store.importedFile(sha256: sha) {
                try move(url, to: archive(for: now, timeZone: timeZone), renamedWith: ".duplicate")
                logger.notice("skipped a file whose content was already imported",
                              metadata: ["file": "\(name)", "first_imported_as": "\(earlier.name)"])
                return Outcome(file: name, kind: .duplicate, rows: 0, rejectedRows: 0,
                               detail: "same content as \(earlier.name), imported \(earlier.importedAt)")
            }
            var reader = try CSVReader(url: url)
            guard let header = try reader.next() else { throw UnreadableFile(file: name, reason: "the file is empty") }
            let parser = try CustomerRowParser(header: header.fields, file: name)
            var customers: [Customer] = []
            var indexByID: [String: Int] = [:]
            var errors: [RowError] = []
            var rows = 0
            while let record = try reader.next() {
                rows += 1
                switch parser.parse(record) {
                case .success(let customer):
                    // Duplicate ids in one file: the last row wins.
                    if let index = indexByID[customer.id] { customers[index] = customer } else {
                        indexByID[customer.id] = customers.count
                        customers.append(customer)
                    }
                case .failure(let error): errors.append(error)
                }
            }
            let record = ImportedFile(sha256: sha, name: name, rows: rows, rejectedRows: errors.count, importedAt: now)
            try store.commitImport(customers: customers, file: record)
            if !errors.isEmpty { try writeErrors(errors, for: name) }
            try move(url, to: archive(for: now, timeZone: timeZone))
            logger.info("imported customer file", metadata: ["file": "\(name)", "rows": "\(rows)", "rejected": "\(errors.count)"])
            return Outcome(file: name, kind: .imported, rows: rows, rejectedRows: errors.count, detail: "")
        } catch {
            let reason = "\(error)"
            logger.error("quarantined an unreadable file", metadata: ["file": "\(name)", "reason": "\(reason)"])
            try? move(url, to: rejected)
            try? Data((reason + "\n").utf8).write(to: rejected.appendingPathComponent(name + ".reason"), options: .atomic)
            return Outcome(file: name, kind: .rejected, rows: 0, rejectedRows: 0, detail: reason)
        }
    }

    func archive(for now: Date, timeZone: TimeZone) -> URL {
        archive.appendingPathComponent(LocalDate(now, in: timeZone).description)
    }

    /// Moves a file, never overwriting an earlier one of the same name.
    func move(_ url: URL, to folder: URL, renamedWith suffix: String = "") throws {
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

    func writeErrors(_ errors: [RowError], for name: String) throws {
        try FileManager.default.createDirectory(at: rejected, withIntermediateDirectories: true)
        var text = "line,field,value,reason\n"
        for error in errors {
            text += CSVField.line([String(error.line), error.field, error.value, error.reason]) + "\n"
        }
        try Data(text.utf8).write(to: rejected.appendingPathComponent(name + ".errors.csv"), options: .atomic)
    }

    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
