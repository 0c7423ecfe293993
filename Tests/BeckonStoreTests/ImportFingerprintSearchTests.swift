@testable import BeckonStore
import PropertyBased
import Testing

@Suite("Import fingerprint sets: the search that starts where a value should be finds exactly what is there")
struct ImportFingerprintSearchTests {
    /// A sorted set of pairs drawn by `draw`, and pairs of which about half are in it.
    static func check(count: Int, seed: UInt64, draw: (inout Xoshiro) -> UInt64) {
        var generator = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
        var pairs = (0..<count).map { _ in (draw(&generator), draw(&generator) & 3) }
        pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let set = ImportFingerprints(context: "c", values: pairs.flatMap { [$0.0, $0.1] })
        let members = Set(pairs.map { "\($0.0)/\($0.1)" })
        for pair in pairs { #expect(set.contains(high: pair.0, low: pair.1)) }
        for _ in 0..<count {
            let probe = (draw(&generator), draw(&generator) & 3)
            #expect(set.contains(high: probe.0, low: probe.1) == members.contains("\(probe.0)/\(probe.1)"))
        }
        // The ends of the range, which a guess from the value lands on.
        for edge: UInt64 in [0, 1, .max - 1, .max] {
            #expect(set.contains(high: edge, low: 0) == members.contains("\(edge)/0"))
        }
    }

    @Test("values spread evenly, as XXH64 makes them", arguments: [0, 1, 2, 7, 1_000, 20_000])
    func even(count: Int) {
        Self.check(count: count, seed: UInt64(count) + 1) { $0.next() }
    }

    @Test("values bunched at one end or repeated, where the first guess is far off", arguments: [1, 3, 5_000])
    func skewed(count: Int) {
        Self.check(count: count, seed: 99) { $0.next() % 50 }
        Self.check(count: count, seed: 7) { UInt64.max - $0.next() % 1_000 }
        Self.check(count: count, seed: 3) { $0.next() >> 60 }
    }

    @Test("an empty set contains nothing")
    func empty() {
        #expect(!ImportFingerprints(context: "c", values: []).contains(high: 0, low: 0))
    }
}
