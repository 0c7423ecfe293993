import BeckonCore
import BeckonStore
import Foundation
import Testing
@testable import BeckonInbox

/// A re-import that skips unchanged records (`RecordSkips`) must leave exactly the store a full parse of every
/// file leaves. Each seed runs one history of files through two stores, one skipping and one parsing everything:
/// the same export again with a few rows edited, dropped, duplicated or made invalid; edits by another file
/// (another header, so another context) between exports; a changed mapping (an extra column); snapshot files that
/// drop rows (deactivating customers that a later export lists again). After every file both stores must hold the
/// same customers, row by row, and report the same row counts.
@Suite("Import: re-imports that skip unchanged rows")
struct ReimportSkipPropertyTests {
    /// A small deterministic generator, so a failing seed can be replayed.
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    struct Row {
        var id: String
        var name: String
        var phone: String
        var tier: String
        var spend: Int
        var city: String

        func line(withCity: Bool) -> String {
            let base = "\(id),\(name),\(phone),\(tier),\(spend)"
            return withCity ? base + ",\(city)" : base
        }
    }

    static func randomRow(_ mix: inout Mix, id: String) -> Row {
        let names = ["王伟", "Li Na", "\"Chen, Jun\"", "Zhao"]
        // About one row in twelve is rejected (a phone number too short).
        let phone = mix.chance(8) ? "1391234" : "139\(10_000_000 + mix.below(89_999_999))"
        return Row(id: id, name: names[mix.below(names.count)], phone: phone, tier: ["gold", "silver", ""][mix.below(3)],
                   spend: mix.below(500), city: ["Hangzhou", "Suzhou"][mix.below(2)])
    }

    static func export(_ rows: [Row], withCity: Bool) -> String {
        (withCity ? "customer_id,name,phone,tier,total_spend,city\n" : "customer_id,name,phone,tier,total_spend\n")
            + rows.map { $0.line(withCity: withCity) + "\n" }.joined()
    }

    @Test("skipping gives the store a full parse gives", arguments: 0..<12)
    func sameStore(seed: Int) throws {
        var mix = Mix(state: UInt64(seed) &* 7919 &+ 1)
        var skipping = InboxSettings(snapshotMaxDeactivate: 1, batchSize: 7)
        skipping.skipsUnchangedRows = true
        var parsing = skipping
        parsing.skipsUnchangedRows = false
        let fast = try InboxFixture(settings: skipping)
        let full = try InboxFixture(settings: parsing)
        let ids = (1...40).map { String(format: "M%04d", $0) }
        var rows = ids.prefix(30).map { Self.randomRow(&mix, id: $0) }
        var withCity = false
        var skippedRows = 0
        for step in 0..<10 {
            let name: String
            let text: String
            var snapshot = false
            switch mix.below(10) {
            case 0, 1:
                // Another file edits a few customers (a header of its own: another context).
                let edited = (0..<3).map { _ in Self.randomRow(&mix, id: ids[mix.below(ids.count)]) }
                name = "crm-\(step).csv"
                text = "phone,customer_id,name\n" + edited.map { "\($0.phone),\($0.id),\($0.name)\n" }.joined()
            case 2:
                // A snapshot that drops some rows.
                name = "snapshot-\(step).csv"
                text = Self.export(rows.filter { _ in !mix.chance(20) }, withCity: withCity)
                snapshot = true
            default:
                // The nightly export again: a few rows edited, dropped, added, duplicated; sometimes a new mapping.
                if mix.chance(10) { withCity.toggle() }
                for index in rows.indices where mix.chance(10) { rows[index].spend += 1 }
                for index in rows.indices where mix.chance(5) { rows[index] = Self.randomRow(&mix, id: rows[index].id) }
                if mix.chance(30), !rows.isEmpty { rows.remove(at: mix.below(rows.count)) }
                if mix.chance(30) { rows.append(Self.randomRow(&mix, id: ids[mix.below(ids.count)])) }
                if mix.chance(20), let last = rows.last { rows.insert(last, at: mix.below(rows.count)) }
                name = "export-\(step).csv"
                text = Self.export(rows, withCity: withCity)
            }
            for fixture in [fast, full] {
                try fixture.write(text, as: name)
                if snapshot { try fixture.write("", as: name + ".snapshot") }
            }
            let a = fast.run(), b = full.run()
            #expect(a.map(\.kind) == b.map(\.kind), "seed \(seed) step \(step)")
            #expect(a.map(\.rows) == b.map(\.rows), "seed \(seed) step \(step)")
            #expect(a.map(\.rejectedRows) == b.map(\.rejectedRows), "seed \(seed) step \(step)")
            skippedRows += a.compactMap { Self.skipped(in: $0.detail) }.reduce(0, +)
            for id in ids {
                #expect(try fast.store.customer(id: id) == full.store.customer(id: id), "seed \(seed) step \(step) customer \(id)")
            }
        }
        // The property is not vacuous: some rows were skipped in this history.
        #expect(skippedRows > 0, "seed \(seed)")
    }

    static func skipped(in detail: String) -> Int? {
        guard let range = detail.range(of: " row(s) unchanged since the previous file") else { return nil }
        return Int(detail[..<range.lowerBound].split(separator: " ").last ?? "")
    }
}
