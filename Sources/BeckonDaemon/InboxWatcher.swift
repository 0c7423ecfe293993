import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wakes the daemon when something lands in the inbox.
///
/// On Linux it listens to inotify (close-after-write, move-in, create) through a Dispatch read source,
/// which sleeps in epoll: no busy polling. Elsewhere, or when inotify is unavailable (some network file
/// systems), it does nothing and the periodic rescan alone finds new files.
public final class InboxWatcher: @unchecked Sendable {
    private var source: DispatchSourceRead?
    private let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// Starts watching; `onChange` runs on a background queue after each burst of events.
    /// Returns false when inotify could not be set up (the rescan still covers the inbox).
    @discardableResult
    public func start(onChange: @escaping @Sendable () -> Void) -> Bool {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return false }
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_ATTRIB)
        guard inotify_add_watch(fd, folder.path, mask) >= 0 else {
            close(fd)
            return false
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "beckon.inbox-watcher"))
        source.setEventHandler {
            // Drain every queued event; what changed does not matter, only that something did.
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(fd, &buffer, buffer.count) > 0 {}
            onChange()
        }
        source.setCancelHandler { close(fd) }
        source.resume()
        self.source = source
        return true
        #else
        return false
        #endif
    }

    public func stop() {
        source?.cancel()
        source = nil
    }
}
