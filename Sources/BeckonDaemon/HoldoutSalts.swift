import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Metrics

/// Keeps rotations of holdout and control salts from going unnoticed, and makes the held-out counters.
///
/// The store's state table keeps the fingerprint of each salt last seen (`holdout.salt.global`,
/// `holdout.salt.control.<campaign>`); a run that finds another one logs one notice line naming the group and
/// both fingerprints, then records the new one. Rotating a salt re-draws every customer's group, so this is a
/// change an operator must be able to see afterwards in the log.
public enum HoldoutSalts {
    static let keyPrefix = "holdout.salt."

    /// Each configured group's state key and salt fingerprint, with a name for the log.
    static func configured(_ configuration: BeckonConfiguration) -> [(key: String, name: String, fingerprint: String)] {
        var result: [(key: String, name: String, fingerprint: String)] = []
        if let global = configuration.policy.holdout {
            result.append((keyPrefix + "global", "global holdout (policy.holdout_salt)", global.saltFingerprint))
        }
        for campaign in configuration.campaigns where campaign.enabled {
            guard let control = campaign.control else { continue }
            result.append((keyPrefix + "control." + campaign.id, "control group of \(campaign.id) (control_salt)", control.saltFingerprint))
        }
        return result
    }

    /// Compares the configured salts with the last seen ones, logs each change, and records the current ones.
    /// Returns the names of the groups whose salt changed.
    @discardableResult
    static func noteChanges(_ configuration: BeckonConfiguration, store: SQLiteStore, logger: Logger) throws -> [String] {
        var changed: [String] = []
        for group in configured(configuration) {
            let previous = try store.value(for: group.key)
            if let previous, previous != group.fingerprint {
                logger.notice("holdout salt changed: \(group.name) was \(previous), now \(group.fingerprint); every customer's group in it is drawn again for messages planned from now on")
                changed.append(group.name)
            }
            if previous != group.fingerprint { try store.setValue(group.fingerprint, for: group.key) }
        }
        return changed
    }

    /// For `beckon check`: one line per configured group with its share and salt fingerprint, saying when the
    /// salt differs from the one the store last saw (the next run re-draws that group).
    public static func describe(_ configuration: BeckonConfiguration, store: SQLiteStore?) throws -> [String] {
        var lines: [String] = []
        var shares: [String: String] = [:]
        if let global = configuration.policy.holdout { shares[keyPrefix + "global"] = global.percentText }
        for campaign in configuration.campaigns { if let control = campaign.control { shares[keyPrefix + "control." + campaign.id] = control.percentText } }
        for group in configured(configuration) {
            let previous = try store?.value(for: group.key)
            var line = "holdout: \(group.name) \(shares[group.key] ?? ""), salt \(group.fingerprint)"
            if let previous, previous != group.fingerprint {
                line += ": SALT CHANGED since the last run (was \(previous)): every customer's group in it is drawn again"
            }
            lines.append(line)
        }
        return lines
    }

    /// The `beckon_held_out_total` counter of one campaign and group.
    static func counter(campaign: String, group: Holdout.Group) -> Counter {
        Counter(label: "beckon_held_out_total", dimensions: [("campaign", campaign), ("group", group.rawValue)])
    }

    /// Makes every counter that can move with this configuration, so `/metrics` shows 0 before the first one.
    static func makeCounters(_ configuration: BeckonConfiguration) {
        for campaign in configuration.campaigns where campaign.enabled && campaign.category != .transactional {
            if configuration.policy.holdout != nil { _ = counter(campaign: campaign.id, group: .global) }
            if campaign.control != nil { _ = counter(campaign: campaign.id, group: .control) }
        }
    }
}
