import Crypto
import Foundation

/// One A/B variant of a campaign's message.
public struct CampaignVariant: Hashable, Sendable {
    public var id: String
    public var weight: Double
    public var template: MessageTemplate

    public init(id: String, weight: Double, template: MessageTemplate) {
        self.id = id
        self.weight = weight
        self.template = template
    }
}

/// Assigns customers to variants by weight, deterministically: SHA-256 of campaign and customer, so the
/// same customer gets the same variant after a restart, on another machine, in another Swift version
/// (unlike `Hasher`, which is seeded per process).
public enum VariantAssignment {
    public static func pick(_ variants: [CampaignVariant], campaign: String, customer: String) -> CampaignVariant? {
        let usable = variants.filter { $0.weight > 0 }
        guard !usable.isEmpty else { return nil }
        let total = usable.reduce(0) { $0 + $1.weight }
        let digest = SHA256.hash(data: Data("\(campaign)\u{0}\(customer)".utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var point = Double(value >> 11) / Double(UInt64(1) << 53) * total
        for variant in usable {
            if point < variant.weight { return variant }
            point -= variant.weight
        }
        return usable.last
    }
}
