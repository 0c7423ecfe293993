@testable import BeckonServer
import BeckonStore
import Foundation
import Testing

@Suite("The redirect listener's cache keeps only settled answers, honours expiry, and stays bounded")
struct LinkLookupCacheTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func link(message: String?, delivered: Bool, expiresIn seconds: TimeInterval = 3_600) -> LinkLookup {
        LinkLookup(target: "https://shop.example/renew", expiresAt: now.addingTimeInterval(seconds), messageKey: message,
                   deliveredAt: delivered ? now.addingTimeInterval(-60) : nil, sentAt: now.addingTimeInterval(-120))
    }

    @Test("a message still waiting for its delivery report is never kept: the report moves the two-second rule")
    func unsettledIsAskedAgain() {
        let cache = LinkLookupCache(capacity: 10)
        cache.keep(Self.link(message: "m1", delivered: false), for: "tok1")
        #expect(cache.answer(for: "tok1", at: Self.now) == nil)
        #expect(cache.count == 0)
        let delivered = Self.link(message: "m1", delivered: true)
        cache.keep(delivered, for: "tok1")
        #expect(cache.answer(for: "tok1", at: Self.now) == delivered)
        // A link shared by a campaign variant has no report to wait for.
        let shared = Self.link(message: nil, delivered: false)
        cache.keep(shared, for: "shared")
        #expect(cache.answer(for: "shared", at: Self.now) == shared)
    }

    @Test("an answer past its link's expiry by the caller's clock is dropped, so the store decides (404 or extended)")
    func expiryGoesBackToTheStore() {
        let cache = LinkLookupCache(capacity: 10)
        cache.keep(Self.link(message: "m1", delivered: true, expiresIn: 60), for: "tok1")
        #expect(cache.answer(for: "tok1", at: Self.now.addingTimeInterval(59)) != nil)
        #expect(cache.answer(for: "tok1", at: Self.now.addingTimeInterval(60)) == nil)
        #expect(cache.count == 0)
        #expect(cache.answer(for: "unknown", at: Self.now) == nil)
    }

    @Test("at most `capacity` answers are kept, and one asked for lately survives the turnover")
    func bounded() {
        let cache = LinkLookupCache(capacity: 100)
        cache.keep(Self.link(message: "hot", delivered: true), for: "hot")
        for index in 0..<1_000 {
            cache.keep(Self.link(message: "m\(index)", delivered: true), for: "tok\(index)")
            #expect(cache.count <= 100)
            if index % 20 == 0 { #expect(cache.answer(for: "hot", at: Self.now) != nil) }
        }
        #expect(cache.answer(for: "tok999", at: Self.now) != nil)
        #expect(cache.answer(for: "tok0", at: Self.now) == nil)
    }
}
