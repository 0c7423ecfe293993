import BeckonCore
import Foundation

/// The real wall clock: the one place in Beckon that reads the time of day.
public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}
