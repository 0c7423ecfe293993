import BeckonConfig
import BeckonCore
import BeckonStore
import Crypto
import Foundation

/// What the planner remembers between passes, beside `planner.evaluated_through` and the event arrivals, so
/// that a wake-up plans only what can have changed (docs/planning.md).
struct PlanningMarks: Equatable {
    /// The last customer change number (`SQLiteStore.lastCustomerChange`) that a pass has planned.
    var customersPlannedThrough: Int64 = 0
    /// The configuration the last pass planned with (`PlanningMarks.configurationFingerprint`).
    var fingerprint = ""
    /// Every zone an active customer's calendar runs in, as far as passes have seen them: a local day that
    /// begins in one of them starts a full pass. Nil before the first full pass.
    var zones: Set<String>?
    /// When the RFM boundaries the last pass scored with were computed.
    var rfmComputedAt: Date?
    /// Whether every active customer's `next_due_at` has been computed (by a pass over everyone).
    var dueIndexBuilt = false

    static let key = "planner.marks"

    private struct Stored: Codable {
        var customers: Int64
        var fingerprint: String
        var zones: [String]?
        var rfm: Double?
        var due: Bool?
    }

    static func read(from store: SQLiteStore) throws -> PlanningMarks {
        guard let json = try store.value(for: key), let stored = try? JSONDecoder().decode(Stored.self, from: Data(json.utf8)) else {
            return PlanningMarks()
        }
        return PlanningMarks(customersPlannedThrough: stored.customers, fingerprint: stored.fingerprint, zones: stored.zones.map(Set.init),
                             rfmComputedAt: stored.rfm.map(Date.init(timeIntervalSince1970:)), dueIndexBuilt: stored.due ?? false)
    }

    func record(in store: SQLiteStore) throws {
        let stored = Stored(customers: customersPlannedThrough, fingerprint: fingerprint, zones: zones?.sorted(),
                            rfm: rfmComputedAt?.timeIntervalSince1970, due: dueIndexBuilt)
        try store.setValue(String(decoding: try JSONEncoder().encode(stored), as: UTF8.self), for: Self.key)
    }

    /// A hash of everything planning reads from the configuration: campaigns (triggers, audiences, templates,
    /// windows, priorities), the policy, the content settings, the default zone and the calendars, in their
    /// canonical description (the same for equal values in any process). Any edit, a reload with changes, or a
    /// campaign added or removed changes it, and the next pass plans everyone.
    static func configurationFingerprint(_ configuration: BeckonConfiguration) -> String {
        let parts: [Any] = [configuration.campaigns, configuration.policy, configuration.content, configuration.timeZone,
                            configuration.calendar.holidays.definitions, configuration.calendar.workingDays]
        let description = parts.map(CanonicalDescription.of).joined(separator: "\u{1F}")
        return SHA256.hash(data: Array(description.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
