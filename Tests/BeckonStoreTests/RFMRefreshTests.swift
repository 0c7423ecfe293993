import BeckonCore
import BeckonStore
import Foundation
import Testing

@Suite("RFM boundaries in the store")
struct RFMRefreshTests {
    @Test("at start-up the boundaries are recomputed only when a file was imported after them")
    func onlyWhenStale() throws {
        let store = try SQLiteStore()
        let importedAt = Date(timeIntervalSince1970: 1_800_000_000)
        try store.upsert([Customer(id: "C1", name: "n", phone: "+8613800138000", orderCount: 3, totalSpend: 10)])
        // A crash after the import was recorded, before its recomputation.
        try store.finishImport(ImportedFile(sha256: "a", name: "a.csv", rows: 1, rejectedRows: 0, importedAt: importedAt), snapshot: false)
        #expect(try store.rfmBreakpoints() == nil)

        try store.refreshRFMBreakpointsIfStale(at: importedAt.addingTimeInterval(60))
        #expect(try store.rfmBreakpoints()?.computedAt == importedAt.addingTimeInterval(60))
        // Nothing imported since: the next start leaves them alone.
        try store.refreshRFMBreakpointsIfStale(at: importedAt.addingTimeInterval(120))
        #expect(try store.rfmBreakpoints()?.computedAt == importedAt.addingTimeInterval(60))
        // A later import makes them stale again.
        try store.finishImport(ImportedFile(sha256: "b", name: "b.csv", rows: 1, rejectedRows: 0, importedAt: importedAt.addingTimeInterval(180)), snapshot: false)
        try store.refreshRFMBreakpointsIfStale(at: importedAt.addingTimeInterval(240))
        #expect(try store.rfmBreakpoints()?.computedAt == importedAt.addingTimeInterval(240))
        #expect(try store.rfmBreakpoints()?.population == 1)
    }
}
