import BeckonCore
import Foundation

extension ConfigNode {
    /// The largest share a holdout or control group may take: past half, the "control" is the treatment and
    /// the campaign is a test of not sending; a typo (`50` for `5`) is far likelier than that intent.
    static let maximumHoldoutBasisPoints = 5_000

    /// A share written `5%`, `2.5%` or `0.25%` (at most two decimals), in basis points, within 0..50%.
    ///
    /// Read digit by digit, not through `Double`, so `0.29%` is exactly 29 basis points.
    func percentBasisPoints() throws -> Int {
        let text = try string().trimmingCharacters(in: .whitespaces)
        guard text.hasSuffix("%") else { throw error("expected a percentage like 5% or 2.5%, got '\(text)'") }
        let number = text.dropLast().trimmingCharacters(in: .whitespaces)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3, parts[0].allSatisfy(\.isASCIIDigit),
              parts.count == 1 || (1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isASCIIDigit),
              let whole = Int(parts[0]) else {
            throw error("expected a percentage with at most two decimals like 5% or 2.25%, got '\(text)'")
        }
        let fraction = parts.count == 2 ? Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0
        let basisPoints = whole * 100 + fraction
        guard basisPoints <= Self.maximumHoldoutBasisPoints else {
            throw error("\(text) is outside 0%..50%: a group larger than half would make the messaged the minority")
        }
        return basisPoints
    }

    /// A salt: any non-empty text (rotating it re-draws every customer's group).
    func salt() throws -> String {
        let text = try string()
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("must not be empty (it decides who is held out)") }
        return text
    }

    /// `holdout:` and `holdout_salt:` of the policy section; nil when there is no holdout (0%, the default).
    func globalHoldout() throws -> HoldoutGroup? {
        let salt = try optional("holdout_salt")?.salt() ?? Holdout.defaultGlobalSalt
        guard let node = try optional("holdout") else { return nil }
        let share = try node.percentBasisPoints()
        return share == 0 ? nil : HoldoutGroup(basisPoints: share, salt: salt)
    }

    /// A campaign's `control:` and `control_salt:`; nil when it has no control group.
    func controlGroup(campaign id: String) throws -> HoldoutGroup? {
        let salt = try optional("control_salt")?.salt() ?? Holdout.defaultControlSalt(campaign: id)
        guard let node = try optional("control") else { return nil }
        let share = try node.percentBasisPoints()
        return share == 0 ? nil : HoldoutGroup(basisPoints: share, salt: salt)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
