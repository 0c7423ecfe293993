import Foundation

/// The source of "now" for everything outside the core.
///
/// The core never reads the time itself: every function takes the instant it reasons about. Adapters and
/// the daemon hold a `WallClock` so that tests can pin any instant (29 February, a DST gap in New York,
/// Spring Festival's eve) without sleeping.
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// A clock that always answers the instant it was built with: for `--now`, replays and tests.
public struct FixedClock: WallClock {
    public let now: Date
    public init(_ now: Date) { self.now = now }
}
