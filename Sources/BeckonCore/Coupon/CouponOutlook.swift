/// Whether a coupon pool will last: the one rule `beckon status` and `beckon check` warn by.
///
/// The planned rate is the codes the pool gave over the last `rateDays` days, per day (codes are given when
/// messages are planned, so this is the rate planning takes them at). A pool warns when it holds messages for
/// lack of codes, or when its free codes last fewer than `warnDays` days at that rate.
public struct CouponOutlook: Hashable, Sendable {
    public static let rateDays = 7

    public var pool: String
    public var free: Int
    public var givenInRateWindow: Int
    public var held: Int

    public init(pool: String, free: Int, givenInRateWindow: Int, held: Int) {
        self.pool = pool
        self.free = free
        self.givenInRateWindow = givenInRateWindow
        self.held = held
    }

    public var perDay: Double { Double(givenInRateWindow) / Double(Self.rateDays) }

    /// How many days the free codes last at the planned rate; nil when nothing was given in the window.
    public var daysLeft: Double? { perDay > 0 ? Double(free) / perDay : nil }

    /// The warning, or nil when the pool will last `warnDays` days.
    public func warning(warnDays: Int) -> String? {
        if held > 0 {
            return "coupon pool '\(pool)' is empty: \(held) message(s) held as \(CouponRequest.poolEmpty) until codes arrive"
        }
        guard let days = daysLeft, days < Double(warnDays) else { return nil }
        let rate = String(format: "%.1f", perDay)
        return "coupon pool '\(pool)' runs out in \(String(format: "%.1f", days)) day(s): \(free) free code(s), \(rate) a day given over the last \(Self.rateDays) days (coupons.warn_days \(warnDays))"
    }
}
