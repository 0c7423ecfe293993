import BeckonStore
import Foundation

/// The redirect listener's memory of settled links (`LinkLookup.isSettled`): a token asked for again (a person
/// clicking twice, a preview fetch then the person, a link shared by a campaign variant) is answered without the
/// store.
///
/// Only an answer that no later write can change is kept; a message still waiting for its delivery report is
/// read from the store at every click, because the report moves the moment the two-second rule counts from.
/// A kept answer is used only while its link is unexpired by the caller's clock; past that the store is asked
/// again (a shared link's expiry is extended when a later plan reuses it, and an expired one must 404).
///
/// Bounded by two generations: answers go into `recent`; when it holds half the capacity it becomes `older` and
/// the one before is forgotten, and an answer found in `older` moves back into `recent`. So at most `capacity`
/// answers are kept (a few MB), and the ones asked for lately stay.
public final class LinkLookupCache: @unchecked Sendable {
    public let capacity: Int
    // Guards `recent` and `older`: the listener's request handlers run on several threads.
    private let lock = NSLock()
    private var recent: [String: LinkLookup] = [:]
    private var older: [String: LinkLookup] = [:]

    public init(capacity: Int = 50_000) {
        self.capacity = max(capacity, 0)
    }

    /// The kept answer for `token` while its link is unexpired at `now`, else nil (ask the store).
    public func answer(for token: String, at now: Date) -> LinkLookup? {
        lock.withLock {
            if let link = recent[token] {
                guard link.expiresAt > now else {
                    recent[token] = nil
                    return nil
                }
                return link
            }
            guard let link = older.removeValue(forKey: token), link.expiresAt > now else { return nil }
            insert(link, for: token)
            return link
        }
    }

    /// Keeps the store's answer for `token` when it is settled; anything else is left to the store.
    public func keep(_ link: LinkLookup, for token: String) {
        guard link.isSettled, capacity > 1 else { return }
        lock.withLock {
            older[token] = nil
            insert(link, for: token)
        }
    }

    /// How many answers are kept now.
    public var count: Int {
        lock.withLock { recent.count + older.count }
    }

    /// Under the lock.
    private func insert(_ link: LinkLookup, for token: String) {
        if recent.updateValue(link, forKey: token) == nil, recent.count >= capacity / 2 {
            older = recent
            recent = [:]
        }
    }
}
