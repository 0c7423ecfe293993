import Foundation

/// Runs an async operation with a hard deadline, returning nil when the deadline wins.
///
/// URLSession on Linux hands `timeoutInterval` to libcurl in whole seconds (0.5 s becomes "no timeout")
/// and a task group would still wait for a request that ignores cancellation, so the race is settled by
/// whichever side resumes the continuation first; the loser is cancelled and its result dropped.
enum Deadline {
    static func run<T: Sendable>(seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        let state = RaceState<T>()
        return try await withCheckedThrowingContinuation { continuation in
            state.install(continuation)
            let work = Task {
                do { state.finish(.success(try await operation())) } catch { state.finish(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if state.finish(.success(nil)) { work.cancel() }
            }
        }
    }
}

private final class RaceState<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T?, Error>?
    private var done = false

    func install(_ continuation: CheckedContinuation<T?, Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Resumes with `result` unless the other side already did; true when this call won.
    @discardableResult
    func finish(_ result: Result<T?, Error>) -> Bool {
        let winner: CheckedContinuation<T?, Error>? = lock.withLock {
            guard !done else { return nil }
            done = true
            defer { continuation = nil }
            return continuation
        }
        winner?.resume(with: result)
        return winner != nil
    }
}
