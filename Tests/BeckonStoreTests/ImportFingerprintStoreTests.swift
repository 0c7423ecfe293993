import BeckonCore
@testable import BeckonStore
import Foundation
import Testing

@Suite("Import fingerprint sets: stored as 8 little-endian bytes a value, read back unchanged")
struct ImportFingerprintStoreTests {
    @Test("the blob is each value's little-endian bytes, end to end")
    func blobLayout() {
        let blob = SQLiteStore.fingerprintBlob([0x0102_0304_0506_0708, 0xFFFF_FFFF_FFFF_FFFE])
        #expect(Array(blob) == [8, 7, 6, 5, 4, 3, 2, 1, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(SQLiteStore.fingerprintBlob([]).isEmpty)
    }

    @Test("values read back as written, through the store, with the change number the import finished at")
    func roundTrip() throws {
        let store = try SQLiteStore()
        var generator = SystemRandomNumberGenerator()
        let values = (0..<2_000).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
        let file = ImportedFile(sha256: "abc", name: "customers.csv", rows: 1_000, rejectedRows: 0, importedAt: Date(timeIntervalSince1970: 0))
        try store.finishImport(file, snapshot: false, fingerprints: ImportFingerprints(context: "ctx", values: values))
        let stored = try #require(try store.importFingerprints(context: "ctx"))
        #expect(stored.values == values)
        #expect(stored.throughChange == 0)
        #expect(try store.importFingerprints(context: "other") == nil)
    }

    @Test("trailing bytes short of a value are ignored")
    func trailingBytes() {
        var blob = SQLiteStore.fingerprintBlob([42])
        blob.append(contentsOf: [1, 2, 3])
        #expect(SQLiteStore.fingerprintValues(blob) == [42])
    }
}
