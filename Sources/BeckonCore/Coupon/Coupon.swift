/// One code of a coupon pool (`coupons` inbox files: `pool, code, expires_on`).
///
/// `expiresOn` is the last day the code can be redeemed. Which zone that day is in is the customer's: a code
/// is given to a message only when it is still valid on the last local day the message may go out
/// (`CouponRequest.validThrough`), so a customer never receives a code that expired before it reached them.
public struct Coupon: Hashable, Sendable {
    public var pool: String
    public var code: String
    public var expiresOn: LocalDate

    public init(pool: String, code: String, expiresOn: LocalDate) {
        self.pool = pool
        self.code = code
        self.expiresOn = expiresOn
    }
}

/// What a planned message needs from a pool: one free code still valid on `validThrough`.
public struct CouponRequest: Hashable, Sendable {
    public var pool: String
    /// The customer's local day on which the message can last be sent (its `validUntil`, in their zone).
    public var validThrough: LocalDate

    public init(pool: String, validThrough: LocalDate) {
        self.pool = pool
        self.validThrough = validThrough
    }

    /// The reason code of a message held because its pool has no code for it.
    public static let poolEmpty = "coupon_pool_empty"
}
