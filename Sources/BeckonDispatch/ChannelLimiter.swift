import Foundation

/// A channel's rate limit and concurrency, shared by every send through it.
///
/// Rates are real time, not the business clock (`beckon run --now` replays a date, but a gateway's
/// messages-per-second are measured by the gateway's own clock), so waiting uses `ContinuousClock` and the
/// bucket's persisted state uses wall-clock seconds. Hand-written: swift-async-algorithms and NIO have no
/// async semaphore. A cancelled task stops waiting for a rate token (not for a concurrency slot, which a
/// running send frees soon).
public actor ChannelLimiter {
    public let channel: String
    public let concurrency: Int
    private var bucket: TokenBucket?
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let wallClock: @Sendable () -> Date

    /// - Parameter bucket: the persisted bucket from a previous run, or a full one.
    public init(channel: String, rate: Double?, concurrency: Int, bucket saved: TokenBucket? = nil,
                wallClock: @escaping @Sendable () -> Date) {
        self.channel = channel
        self.concurrency = max(1, concurrency)
        self.wallClock = wallClock
        if let rate {
            // One second's worth of burst: a restart resumes from the saved level, never from a fresh burst.
            let capacity = max(1, rate)
            if let saved, saved.rate == rate, saved.capacity == capacity {
                bucket = saved
            } else {
                bucket = TokenBucket(rate: rate, capacity: capacity, tokens: saved == nil ? nil : 0, updatedAt: wallClock())
            }
        }
    }

    /// The bucket to persist (nil when the channel has no rate limit).
    public var snapshot: TokenBucket? { bucket }

    /// Waits for a concurrency slot and a rate token; call `release()` when the request is done.
    public func acquire() async {
        if inFlight >= concurrency {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            inFlight += 1
        }
        while bucket != nil, let next = bucket!.take(at: wallClock()) {
            let wait = max(0.001, next.timeIntervalSince(wallClock()))
            // Cancelled (the daemon is stopping): stop waiting rather than spin on a sleep that ends at once.
            do { try await Task.sleep(for: .seconds(wait)) } catch { return }
        }
    }

    public func release() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            // The slot passes straight to the next waiter.
            waiters.removeFirst().resume()
        }
    }
}
