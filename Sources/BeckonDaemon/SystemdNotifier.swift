import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// systemd's notify protocol (sd_notify(3)) without libsystemd: one datagram of `KEY=VALUE` lines to the
/// AF_UNIX socket named by `$NOTIFY_SOCKET` (a name starting with `@` is in the abstract namespace).
///
/// `Type=notify` units wait for `READY=1`; `STATUS=` is what `systemctl status` shows; with `WatchdogSec=`
/// systemd sets `$WATCHDOG_USEC` and restarts the service when `WATCHDOG=1` stops coming for that long.
public final class SystemdNotifier: @unchecked Sendable {
    public let socketPath: String
    /// How often to ping: half of `$WATCHDOG_USEC` (systemd's own advice). Nil when the watchdog is off.
    public let watchdogInterval: Duration?
    private let descriptor: Int32
    private let lock = NSLock()
    private var lastPing: ContinuousClock.Instant?

    /// Nil unless the process runs under systemd with a notify socket (`Type=notify`).
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.utf8.count < 108 else { return nil }
        #if os(Linux)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        socketPath = path
        // WATCHDOG_PID names the process the watchdog is for; a child started by the service is not it.
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forUs, let micros = environment["WATCHDOG_USEC"].flatMap(Int64.init), micros > 0 {
            watchdogInterval = .microseconds(micros / 2)
        } else {
            watchdogInterval = nil
        }
    }

    deinit { close(descriptor) }

    /// Sends the lines as one datagram; false when the socket refused it (systemd gone: nothing to do).
    @discardableResult
    public func notify(_ lines: [String]) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(socketPath.utf8)
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        let length = withUnsafeMutableBytes(of: &address.sun_path) { path -> Int in
            path.copyBytes(from: name)
            return MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + name.count + (name.first == 0 ? 0 : 1)
        }
        let payload = Array(lines.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, payload, payload.count, Int32(MSG_NOSIGNAL), socketAddress, socklen_t(length))
            }
        }
        return sent == payload.count
    }

    /// The first cycle is done: `systemctl start` returns. With the cycle's summary.
    public func ready(status: String) { notify(["READY=1", "STATUS=" + Self.oneLine(status)]) }

    public func status(_ text: String) { notify(["STATUS=" + Self.oneLine(text)]) }

    /// A reload began; `READY=1` follows when it is done (or refused).
    public func reloading() { notify(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"]) }

    public func stopping() { notify(["STOPPING=1", "STATUS=stopping: finishing the sends in flight"]) }

    /// Pings the watchdog if half its interval has passed since the last ping (callers may call it often).
    public func watchdogPing() {
        guard let interval = watchdogInterval else { return }
        let now = ContinuousClock.now
        let due = lock.withLock { () -> Bool in
            if let lastPing, now - lastPing < interval / 2 { return false }
            lastPing = now
            return true
        }
        if due { notify(["WATCHDOG=1"]) }
    }

    /// A STATUS value is one line: the protocol separates fields by newlines.
    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }

    static func monotonicMicroseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000
    }
}
