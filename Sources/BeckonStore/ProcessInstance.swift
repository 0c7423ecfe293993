import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of one process, as the claimant of ledger rows: `pid:start`, where `start` is when the kernel
/// started the process (Linux: field 22 of `/proc/PID/stat`, in clock ticks since boot).
///
/// A pid alone is not an identity: after a crash and a reboot (or just enough processes) another process
/// gets the same pid, and recovery would take a dead claimant's rows for a live one's. The start time makes
/// the pair unique for the life of the machine. Liveness is judged in this pid namespace: two containers
/// sharing one store must also share the store lock's kernel, which already keeps a second writer out.
public struct ProcessInstance: Hashable, Sendable, CustomStringConvertible {
    public let pid: Int32
    /// The kernel's start time of the process, or "" where it cannot be read (then the pid alone decides).
    public let start: String

    public init(pid: Int32, start: String) {
        self.pid = pid
        self.start = start
    }

    /// This process.
    public static let current = ProcessInstance(pid: getpid(), start: startTime(of: getpid()) ?? "")

    /// `pid:start`, as stored in `message.claimed_by`.
    public var id: String { "\(pid):\(start)" }
    public var description: String { id }

    public init?(id: String) {
        let parts = id.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0 else { return nil }
        self.init(pid: pid, start: String(parts[1]))
    }

    /// Whether the process that wrote `id` still runs. An id that cannot be read (NULL, a row claimed before
    /// claimants were recorded) belongs to no live process.
    public static func isAlive(_ id: String?) -> Bool {
        guard let id, let instance = ProcessInstance(id: id) else { return false }
        return instance.isAlive
    }

    public var isAlive: Bool {
        if self == Self.current { return true }
        // EPERM: it exists but belongs to another user.
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard !start.isEmpty, let now = Self.startTime(of: pid) else { return true }
        return now == start
    }

    static func startTime(of pid: Int32) -> String? {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" (comm may hold spaces and parentheses): state is field 3, starttime field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
        #else
        return nil
        #endif
    }
}
