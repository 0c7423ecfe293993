import BeckonStore
import Foundation

/// A pass over every active customer that the daemon plans in slices (a local day's first pass, a configuration
/// change, a cron instant): where it got to, kept in the store between cycles so that files, delivery reports and
/// a SIGTERM are handled between slices, and a restart resumes it (docs/planning.md).
struct PlanningPass: Codable, Equatable {
    /// The last customer id planned; the next slice starts after it.
    var afterID = ""
    /// The campaigns it plans (nil: all).
    var campaigns: [String]?
    /// The first slice's instant: when the pass ends, `planner.evaluated_through` becomes this, so the next
    /// cycle's window covers what the slices after the first might have missed for the customers planned first.
    var startedAt: Double
    /// The customer changes and event arrivals planned so far by the cycles that sliced it: the slices plan
    /// everything before these for everyone, the cycles in between plan what came after.
    var changesThrough: Int64
    var arrivalsThrough: Int64
    /// What the pass plans with, recorded in the marks when it ends.
    var fingerprint: String
    var zones: [String] = []

    var everyone: Bool { campaigns == nil }

    static let key = "planner.pass"

    static func read(from store: SQLiteStore) throws -> PlanningPass? {
        try store.value(for: key).flatMap { try? JSONDecoder().decode(PlanningPass.self, from: Data($0.utf8)) }
    }

    func record(in store: SQLiteStore) throws {
        try store.setValue(String(decoding: try JSONEncoder().encode(self), as: UTF8.self), for: Self.key)
    }

    static func clear(in store: SQLiteStore) throws { try store.setValue(nil, for: key) }
}
