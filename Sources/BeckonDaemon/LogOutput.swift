import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the daemon's log lines go: standard error, or a file opened for appending that `reopen` opens again
/// by name, so that after logrotate renames it (then sends SIGUSR1) new lines go to a new file.
public final class LogOutput: @unchecked Sendable {
    /// Nil for standard error.
    public let file: URL?
    private let lock = NSLock()
    private var descriptor: Int32

    public static let standardError = LogOutput(descriptor: STDERR_FILENO)

    private init(descriptor: Int32) {
        file = nil
        self.descriptor = descriptor
    }

    /// Opens (creating) `file` for appending, its folder created if needed.
    public init(file: URL) throws {
        self.file = file
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = try Self.open(file)
    }

    deinit { if file != nil { close(descriptor) } }

    /// Writes one line (a newline is added) in one `write`: with O_APPEND, lines from several threads never interleave.
    public func write(line: String) {
        let bytes = Array((line + "\n").utf8)
        lock.withLock { _ = bytes.withUnsafeBytes { writeAll(descriptor, $0) } }
    }

    /// Opens the file again by its name (SIGUSR1); false for standard error, or when it cannot be opened (the old
    /// file is kept, so no line is lost).
    @discardableResult
    public func reopen() -> Bool {
        guard let file, let next = try? Self.open(file) else { return false }
        lock.withLock {
            close(descriptor)
            descriptor = next
        }
        return true
    }

    static func open(_ file: URL) throws -> Int32 {
        let descriptor = openForAppending(file.path)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return descriptor
    }
}

// At file scope: inside `LogOutput`, its own `write` and `open` would hide the system calls.
private func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
    _ = write(descriptor, bytes.baseAddress, bytes.count)
}

private func openForAppending(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
}
