import Foundation

/// A per-channel rate limit: `rate` messages per second with bursts up to `capacity`.
///
/// A plain value so the dispatcher can persist `tokens` and `updatedAt` in the store's state table and a
/// restart does not grant a fresh burst (`ChannelLimiter`, saved by the engine after every cycle).
public struct TokenBucket: Sendable, Hashable, Codable {
    public var rate: Double
    public var capacity: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Date

    public init(rate: Double, capacity: Double, tokens: Double? = nil, updatedAt: Date) {
        self.rate = rate
        self.capacity = capacity
        self.tokens = min(tokens ?? capacity, capacity)
        self.updatedAt = updatedAt
    }

    /// Takes one token if available and returns nil; otherwise returns when one will be.
    public mutating func take(at now: Date) -> Date? {
        refill(at: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return now.addingTimeInterval((1 - tokens) / rate)
    }

    private mutating func refill(at now: Date) {
        // A clock stepping backwards must not mint tokens.
        let elapsed = max(0, now.timeIntervalSince(updatedAt))
        tokens = min(capacity, tokens + elapsed * rate)
        updatedAt = max(updatedAt, now)
    }
}

/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
/// the n-th retry waits a uniformly random time in [0, min(cap, base * 2^n)], which spreads a burst of
/// failures instead of retrying them in lockstep. A provider's `Retry-After` wins when it is longer.
public enum RetryBackoff {
    public static func delay(attempt: Int, base: TimeInterval = 2, cap: TimeInterval = 600,
                             retryAfter: TimeInterval? = nil, unitRandom: Double) -> TimeInterval {
        let ceiling = min(cap, base * pow(2, Double(min(attempt, 30))))
        let jittered = ceiling * min(max(unitRandom, 0), 1)
        return max(jittered, retryAfter ?? 0)
    }
}
