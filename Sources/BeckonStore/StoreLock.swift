import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-writer lock on an embedded store: an exclusive OS lock on a file beside the database
/// (`var/beckon.sqlite.lock`), held for the life of the process that writes.
///
/// The kernel releases it when the process dies, however it dies (SIGKILL included), so there is no stale
/// pid file to clean up: the pid, command and start time written into the file after locking only name the
/// holder for the refusal message and for `holder(database:)`. A PostgreSQL backend would take an advisory
/// lock (`pg_try_advisory_lock`) instead; callers only see `acquire`, `holder` and `Failure`.
///
/// On Linux the lock is an open file description lock (`F_OFD_SETLK`): like `flock`, it belongs to the open
/// file rather than the process (closing some other descriptor of the file does not drop it, as it would a
/// classic `fcntl` lock), and unlike `flock` it can be tested with `F_OFD_GETLK` without taking it, so
/// asking who holds the store never makes a starting writer fail. Elsewhere it is `flock`.
public final class StoreLock: Sendable {
    /// Who holds a store's lock, as it wrote into the lock file.
    public struct Holder: Hashable, Sendable, CustomStringConvertible {
        /// Nil for the moment between taking the lock and writing the file.
        public var pid: Int32?
        public var command: String
        /// When it took the lock (ISO 8601, as written by the holder).
        public var since: String

        public init(pid: Int32?, command: String, since: String) {
            self.pid = pid
            self.command = command
            self.since = since
        }

        public var description: String {
            guard let pid else { return "another process (starting up; it has not written its pid yet)" }
            return "pid \(pid) (\(command.isEmpty ? "unknown command" : command)\(since.isEmpty ? "" : ", since \(since)"))"
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        /// Another process writes this store.
        case held(lockFile: String, by: Holder)
        case unusable(lockFile: String, reason: String)

        public var description: String {
            switch self {
            case .held(let file, let holder): return "\(file) is held by \(holder)"
            case .unusable(let file, let reason): return "cannot lock \(file): \(reason)"
            }
        }
    }

    /// The lock file of the store at `database`: beside the real file (a symlink followed, `var/../var/`
    /// folded), so two spellings of one database share one lock.
    public static func lockFile(forDatabase database: String) -> String {
        let url = URL(fileURLWithPath: database).standardizedFileURL
        if let file = realPath(url.path) { return file + ".lock" }
        // Not created yet: its folder decides.
        if let folder = realPath(url.deletingLastPathComponent().path) { return folder + "/" + url.lastPathComponent + ".lock" }
        return url.path + ".lock"
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public let lockFile: String
    private let descriptor: Int32

    private init(lockFile: String, descriptor: Int32) {
        self.lockFile = lockFile
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the store's lock at once or throws `Failure.held` naming the holder; never waits.
    ///
    /// - Parameters:
    ///   - command: what this process is, for the holder's description (`beckon run`, `beckon import`).
    ///   - since: the instant written beside the pid.
    public static func acquire(database: String, command: String, since: String) throws -> StoreLock {
        try? FileManager.default.createDirectory(at: URL(fileURLWithPath: database).deletingLastPathComponent(),
                                                 withIntermediateDirectories: true)
        let path = lockFile(forDatabase: database)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure.unusable(lockFile: path, reason: String(cString: strerror(errno))) }
        guard lock(descriptor) else {
            let reason = errno
            close(descriptor)
            if reason == EAGAIN || reason == EACCES || reason == EWOULDBLOCK {
                throw Failure.held(lockFile: path, by: settledHolder(path))
            }
            throw Failure.unusable(lockFile: path, reason: String(cString: strerror(reason)))
        }
        // Locked: now say who we are. A reader that comes in between sees an empty file and says "starting up".
        let text = "pid: \(getpid())\ncommand: \(command)\nsince: \(since)\n"
        ftruncate(descriptor, 0)
        _ = text.utf8CString.withUnsafeBufferPointer { pwrite(descriptor, $0.baseAddress, $0.count - 1, 0) }
        return StoreLock(lockFile: path, descriptor: descriptor)
    }

    /// Who holds the lock of the store at `database`, or nil when no process does (for `beckon status`).
    public static func holder(database: String) -> Holder? {
        let path = lockFile(forDatabase: database)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard isLocked(descriptor) else { return nil }
        return settledHolder(path)
    }

    /// The holder as its file names it, given a moment to write it: a process that has just taken the lock
    /// has not yet replaced its (empty, or a dead predecessor's) contents.
    static func settledHolder(_ path: String) -> Holder {
        var holder: Holder?
        for _ in 0..<40 {
            holder = readHolder(path)
            if let pid = holder?.pid, kill(pid, 0) == 0 || errno == EPERM { return holder! }
            usleep(5_000)
        }
        return Holder(pid: nil, command: "", since: "")
    }

    static func readHolder(_ path: String) -> Holder? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Holder(pid: fields["pid"].flatMap { Int32($0) }, command: fields["command"] ?? "", since: fields["since"] ?? "")
    }

    #if os(Linux)
    // From <fcntl.h> (_GNU_SOURCE), which Swift's Glibc module does not export.
    private static let getLock: Int32 = 36  // F_OFD_GETLK
    private static let setLock: Int32 = 37  // F_OFD_SETLK

    private static func wholeFile(_ type: Int32) -> flock {
        var region = flock()
        region.l_type = Int16(type)
        region.l_whence = Int16(SEEK_SET)
        region.l_start = 0
        region.l_len = 0
        region.l_pid = 0  // must be 0 for OFD locks
        return region
    }

    private static func lock(_ descriptor: Int32) -> Bool {
        var region = wholeFile(F_WRLCK)
        return fcntl(descriptor, setLock, &region) == 0
    }

    private static func isLocked(_ descriptor: Int32) -> Bool {
        var region = wholeFile(F_RDLCK)
        guard fcntl(descriptor, getLock, &region) == 0 else { return false }
        return region.l_type != Int16(F_UNLCK)
    }
    #else
    private static func lock(_ descriptor: Int32) -> Bool { flock(descriptor, LOCK_EX | LOCK_NB) == 0 }

    private static func isLocked(_ descriptor: Int32) -> Bool {
        // flock cannot be tested without taking it: a shared lock taken and dropped at once.
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }
    #endif
}
