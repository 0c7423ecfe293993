import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One inbox file, opened once for everything the import reads (hash, encoding, validation, rows).
///
/// Opened without following a symlink and without blocking, then checked to be a regular file: a FIFO or a
/// device dropped (or swapped in after the scan) would otherwise block the daemon on `open` or `read`. Every
/// pass reads the same inode, even if the name is replaced meanwhile.
final class InboxFile {
    /// The file is no longer there: another process took or moved it. Not an error of the file.
    struct Gone: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is no longer in the inbox (another process took or moved it)" }
    }

    struct NotRegular: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not a regular file (a FIFO, device, directory or symlink): only regular files are read" }
    }

    let handle: FileHandle
    let size: Int

    init(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw Gone(name: url.lastPathComponent) }
            if code == ELOOP { throw NotRegular(name: url.lastPathComponent) }
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw NotRegular(name: url.lastPathComponent)
        }
        // Regular files never block; clear the flag anyway so reads behave as plain reads.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        size = Int(info.st_size)
    }

    /// Back to the first byte, for the next pass.
    func rewind() throws { try handle.seek(toOffset: 0) }

    /// Whether `name` in `folder` is a regular file (never following a symlink).
    static func isRegular(_ url: URL) -> (size: Int, mtime: Date)? {
        var info = stat()
        guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return (Int(info.st_size), Date(timeIntervalSince1970: mtime))
    }
}
