import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What systemd is to a `Type=notify` service, for tests: a datagram socket the test owns, whose path goes in
/// `$NOTIFY_SOCKET`, and the messages the service sent to it, one datagram each.
public final class NotifySocket: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var reader: Thread?

    /// - Parameter abstract: a name in Linux's abstract namespace (`@name` in `$NOTIFY_SOCKET`), not a file.
    public init(abstract: Bool = false) throws {
        let name = "beckon-notify-\(UUID().uuidString.prefix(8))"
        path = abstract ? "@" + name : FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract { bytes[0] = 0 }
        let length = withUnsafeMutableBytes(of: &address.sun_path) { target -> Int in
            target.copyBytes(from: bytes)
            return MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + (abstract ? 0 : 1)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        // Short receive timeouts, so the reading thread notices `close`.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [weak self] in self?.readLoop() }
        reader = thread
        thread.start()
    }

    private var closed: Bool { lock.withLock { reader == nil } }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !closed {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                lock.withLock { received.append(text) }
            }
        }
    }

    /// Every datagram received so far, in order.
    public var messages: [String] { lock.withLock { received } }

    /// Every received line (`KEY=VALUE`), in order.
    public var lines: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }

    public func close() {
        lock.withLock { reader = nil }
        usleep(150_000)
        Glibc.close(descriptor)
        if !path.hasPrefix("@") { unlink(path) }
    }
}
