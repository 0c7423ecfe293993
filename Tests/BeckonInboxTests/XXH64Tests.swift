@testable import BeckonInbox
import Testing

/// Digests from python `xxhash` (`xxhash.xxh64(data, seed=...).intdigest()`): every length class of the
/// algorithm (empty, under 4, under 32, several 32-byte stripes with a tail), both seeds the fingerprints use.
@Suite struct XXH64Tests {
    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    @Test func shortInputs() {
        #expect(XXH64.hash([], seed: 0) == 0xEF46_DB37_51D8_E999)
        #expect(XXH64.hash(Array("a".utf8), seed: 0) == 0xD24E_C4F1_A98C_6E5B)
        #expect(XXH64.hash(Array("abc".utf8), seed: 0) == 0x44BC_2CF5_AD77_0999)
        #expect(XXH64.hash([], seed: Self.golden) == 0xC434_9FC9_3C01_0000)
        #expect(XXH64.hash(Array("abc".utf8), seed: Self.golden) == 0x2ED0_F59D_6B43_AC8B)
    }

    @Test func aCustomerRow() {
        let row = Array("M00000001,王伟,13912345678,1990-01-01,gold,x,1.5,2026".utf8)
        #expect(row.count == 55)
        #expect(XXH64.hash(row, seed: 0) == 0x10C2_9487_906B_5E48)
    }

    @Test func manyStripes() {
        let bytes = (0..<768).map { UInt8($0 % 256) }
        #expect(XXH64.hash(bytes, seed: 0) == 0x8E03_C838_C596_036F)
        #expect(XXH64.hash(bytes, seed: Self.golden) == 0x919E_1C78_9D52_2E91)
    }
}
