import BeckonCore
import BeckonStore
import Foundation

/// Link tokens for messages that will be sent: drawn from the kernel's CSPRNG (`SystemRandomNumberGenerator`:
/// getrandom(2) on Linux), so no token says anything about another; a per-variant link keeps its standing
/// token, read from the store when the engine starts and drawn once when a variant has none.
final class SystemLinkTokens: LinkTokenSource, @unchecked Sendable {
    // Guards `shared`: planning batches may compose from more than one thread.
    private let lock = NSLock()
    private var shared: [LinkRequestKey: String]

    init(shared: [LinkRequestKey: String] = [:]) {
        self.shared = shared
    }

    func token(for request: LinkRequest) -> String {
        guard request.scope == .perVariant else { return Self.draw(length: request.length) }
        let key = LinkRequestKey(campaign: request.campaign, variant: request.variant, target: request.target)
        return lock.withLock {
            if let token = shared[key], token.count == request.length { return token }
            let token = Self.draw(length: request.length)
            shared[key] = token
            return token
        }
    }

    static func draw(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return LinkToken.random(length: length, using: &generator)
    }
}

/// For composing a waiting message again: its links keep their tokens (the text changes only where the
/// template did); a new target gets a new token.
struct ReusedLinkTokens: LinkTokenSource {
    let existing: [String: String]
    let fresh: any LinkTokenSource

    func token(for request: LinkRequest) -> String {
        if request.scope == .perMessage, let token = existing[request.target], token.count == request.length { return token }
        return fresh.token(for: request)
    }
}
