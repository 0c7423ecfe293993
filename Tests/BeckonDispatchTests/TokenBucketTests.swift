import BeckonDispatch
import Foundation
import Testing

@Suite("Rate limits and backoff")
struct TokenBucketTests {
    let start = Date(timeIntervalSince1970: 1_801_900_000)

    @Test("a bucket allows its burst, then one message per 1/rate seconds")
    func bucket() {
        var bucket = TokenBucket(rate: 10, capacity: 2, updatedAt: start)
        #expect(bucket.take(at: start) == nil)
        #expect(bucket.take(at: start) == nil)
        #expect(bucket.take(at: start) == start.addingTimeInterval(0.1))
        #expect(bucket.take(at: start.addingTimeInterval(0.1)) == nil)
    }

    @Test("a restored bucket keeps its state: a restart grants no fresh burst")
    func restored() throws {
        var bucket = TokenBucket(rate: 1, capacity: 5, updatedAt: start)
        for _ in 0..<5 { _ = bucket.take(at: start) }
        var restored = try JSONDecoder().decode(TokenBucket.self, from: JSONEncoder().encode(bucket))
        #expect(restored.take(at: start) != nil)
    }

    @Test("backoff doubles up to the cap, jitter scales it, Retry-After wins when longer")
    func backoff() {
        #expect(RetryBackoff.delay(attempt: 0, unitRandom: 1) == 2)
        #expect(RetryBackoff.delay(attempt: 3, unitRandom: 1) == 16)
        #expect(RetryBackoff.delay(attempt: 20, unitRandom: 1) == 600)
        #expect(RetryBackoff.delay(attempt: 3, unitRandom: 0.5) == 8)
        #expect(RetryBackoff.delay(attempt: 0, retryAfter: 7, unitRandom: 0.5) == 7)
    }
}
