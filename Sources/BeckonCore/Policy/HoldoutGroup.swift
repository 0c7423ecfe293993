import Crypto
import Foundation

/// A share of customers kept from messages so that what they do can be compared with what the messaged do:
/// the global holdout (`policy.holdout`) or one campaign's control group (`control:`).
///
/// Membership is a function of the salt and the customer id alone: SHA-256 of both, reduced to one of 10,000
/// buckets; a customer is in the group when their bucket is below the share in basis points. So the same
/// customer is in the same group after a restart, on another machine, whatever the order of the customer file,
/// and a group never changes unless the operator rotates the salt (which re-draws everyone at once). A share
/// that grows keeps everyone who was in (5% -> 6% adds customers, removes none).
public struct HoldoutGroup: Hashable, Sendable {
    /// The share held out, in basis points (500 = 5%).
    public var basisPoints: Int
    public var salt: String

    public init(basisPoints: Int, salt: String) {
        self.basisPoints = basisPoints
        self.salt = salt
    }

    /// Buckets a customer can fall in: one per basis point.
    public static let buckets = 10_000

    /// The customer's bucket for `salt`, in 0..<10,000.
    public static func bucket(salt: String, customer: String) -> Int {
        // Domain-separated, so a salt that is also a campaign id does not reproduce the variant draw.
        let digest = SHA256.hash(data: Data("beckon-holdout\u{0}\(salt)\u{0}\(customer)".utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        // 2^64 mod 10,000 is 1,616: the bias toward low buckets is below 1e-15, far under any sampling error.
        return Int(value % UInt64(buckets))
    }

    public func bucket(of customer: String) -> Int { Self.bucket(salt: salt, customer: customer) }

    public func contains(_ customer: String) -> Bool {
        basisPoints > 0 && bucket(of: customer) < basisPoints
    }

    /// The share as people write it: `5%`, `2.5%`, `0.25%`.
    public var percentText: String { Self.percentText(basisPoints) }

    public static func percentText(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100, fraction = basisPoints % 100
        if fraction == 0 { return "\(whole)%" }
        if fraction % 10 == 0 { return "\(whole).\(fraction / 10)%" }
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    /// A short, non-reversible name for the salt (the first 8 hex digits of its SHA-256): what logs, `explain`
    /// and the store's state table show, so a rotation is visible without printing the salt itself.
    public var saltFingerprint: String { Self.fingerprint(of: salt) }

    public static func fingerprint(of salt: String) -> String {
        SHA256.hash(data: Data(salt.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }
}
