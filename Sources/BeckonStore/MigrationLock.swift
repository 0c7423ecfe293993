#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Serialises migrations between processes. Two processes that open a new (or older) store at the same time,
/// a daemon starting and `beckon status` beside it, would otherwise both see a migration as not applied and
/// both run it; the second then fails on the tables the first made. They take turns on an OS lock on a file
/// beside the database, held only while migrating (the kernel drops it if the process dies).
enum MigrationLock {
    static func whileHeld<T>(database path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path + ".migrate.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return try body() }  // a read-only folder: no concurrent creator to fear
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
