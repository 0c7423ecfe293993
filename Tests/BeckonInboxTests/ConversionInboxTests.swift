import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonInbox

@Suite("Inbox: conversions files (orders, visits, renewals)")
struct ConversionInboxTests {
    static let customers = "customer_id,name,phone\nC1,王芳,13800138000\nC2,李雷,13800138001\nC3,韩梅梅,13800138002\n"
    static let year = DateInterval(start: ISOInstant.parse("2026-01-01T00:00:00+08:00", defaultZone: .gmt)!,
                                   end: ISOInstant.parse("2027-01-01T00:00:00+08:00", defaultZone: .gmt)!)

    /// A fixture whose customers C1-C3 are already imported.
    static func fixture(settings: InboxSettings = InboxSettings()) throws -> InboxFixture {
        let fixture = try InboxFixture(settings: settings)
        try fixture.write(customers, as: "members-1.csv")
        #expect(fixture.run().map(\.kind) == [.imported])
        return fixture
    }

    @Test("each bad row is a row error naming line, field and value; the good rows are stored")
    func rowErrors() throws {
        let fixture = try Self.fixture(settings: InboxSettings(conversionKinds: ["order", "visit"]))
        try fixture.write("""
            customer_id,occurred_at,kind,amount
            C1,2026-11-20 12:00,order,128.50
            C404,2026-11-20 12:00,order,10
            C2,2026-12-01 09:00,order,10
            C2,2026-11-21 09:00,order,-5
            C2,2026-11-21 09:00,order,abc
            C2,yesterday,order,5
            C2,2026-11-21 10:00,order,5,extra
            C2,2026-11-21 11:00,refund,5
            ,2026-11-21 11:00,order,5
            C3,2026-11-22 11:00,Visit,

            """, as: "orders-2026-11-23.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.detail.hasPrefix("conversions by name"))
        #expect(outcome.rows == 10 && outcome.rejectedRows == 8)
        let errors = try fixture.read("rejected/orders-2026-11-23.csv.errors.csv")
        #expect(errors == """
            line,field,value,reason
            3,customer_id,C404,unknown customer: no customer file has listed this id
            4,occurred_at,2026-12-01 09:00,in the future (now is 2026-11-24T10:00:00+08:00)
            5,amount,-5,negative: a refund is not a conversion
            6,amount,abc,not a number
            7,occurred_at,yesterday,not a timestamp
            8,field 5,extra,"5 fields but the header has 4: a comma out of place, or a quote that should enclose it?"
            9,kind,refund,"not a declared conversion kind (inbox.conversion_kinds: order, visit)"
            10,customer_id,,empty customer id

            """)
        let stored = try fixture.store.conversions(in: Self.year)
        #expect(stored == [
            Conversion(customerID: "C1", occurredAt: ISOInstant.parse("2026-11-20T12:00:00+08:00", defaultZone: .gmt)!, kind: "order", amount: 128.5),
            Conversion(customerID: "C3", occurredAt: ISOInstant.parse("2026-11-22T11:00:00+08:00", defaultZone: .gmt)!, kind: "visit", amount: 0),
        ])
    }

    @Test("the same file dropped twice counts once; the same row in another file counts once")
    func countedOnce() throws {
        let fixture = try Self.fixture()
        let rows = "customer_id,occurred_at,kind,amount\nC1,2026-11-20 12:00,order,50\nC2,2026-11-21 12:00,order,70\n"
        try fixture.write(rows, as: "orders-1.csv")
        #expect(fixture.run().first?.kind == .imported)
        try fixture.write(rows, as: "orders-1-again.csv")
        #expect(fixture.run().first?.kind == .duplicate)
        // The next night's export repeats C2's order and adds one.
        try fixture.write("customer_id,occurred_at,kind,amount\nC2,2026-11-21 12:00,order,70\nC3,2026-11-22 08:00,order,30\n", as: "orders-2.csv")
        let second = try #require(fixture.run().first)
        #expect(second.kind == .imported && second.rejectedRows == 0)
        let stored = try fixture.store.conversions(in: Self.year)
        #expect(stored.map(\.customerID) == ["C1", "C2", "C3"])
        #expect(stored.map(\.amount).reduce(0, +) == 150)
    }

    @Test("a GB18030 export with Chinese column names, a 年月日 date, a ¥ amount and full-width digits")
    func gb18030() throws {
        let fixture = try Self.fixture(settings: InboxSettings(aliases: ["会员编号": "customer_id", "下单时间": "occurred_at", "类型": "kind", "金额": "amount"]))
        try fixture.drop("orders-gb18030.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported)
        #expect(outcome.rows == 3 && outcome.rejectedRows == 1)
        #expect(try fixture.read("rejected/orders-gb18030.csv.errors.csv").contains("4,customer_id,C9,unknown customer"))
        let stored = try fixture.store.conversions(in: Self.year)
        #expect(stored.map(\.amount) == [1280, 128.5])
        #expect(stored.first?.occurredAt == ISOInstant.parse("2026-11-20T00:00:00+08:00", defaultZone: .gmt))
    }

    @Test("a file named orders-* with a customer file's columns is read as customers, by its header")
    func headerWinsOverOrdersName() throws {
        let fixture = try InboxFixture()
        try fixture.write(Self.customers, as: "orders-members.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.rows == 3)
        #expect(outcome.detail.hasPrefix("customers by header"))
        #expect(try fixture.store.customer(id: "C2")?.name == "李雷")
    }

    @Test("a file with conversion columns is a conversions file by its header alone")
    func byHeader() throws {
        let fixture = try Self.fixture()
        try fixture.write("customer_id,occurred_at,kind,amount\nC1,2026-11-20 12:00,renewal,99\n", as: "daily-export.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.detail.hasPrefix("conversions by header"))
        #expect(try fixture.store.conversions(in: Self.year).map(\.kind) == ["renewal"])
    }

    @Test("a conversions file missing a column is quarantined whole with the column named")
    func missingColumn() throws {
        let fixture = try Self.fixture()
        try fixture.write("customer_id,occurred_at,amount\nC1,2026-11-20 12:00,99\n", as: "orders-3.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .rejected)
        #expect(outcome.detail.contains("missing kind"))
        #expect(try fixture.store.conversions(in: Self.year).isEmpty)
    }
}

extension ConversionInboxTests {
    @Test("a JSON Lines conversions file, numbers as JSON numbers")
    func jsonLines() throws {
        let fixture = try Self.fixture()
        try fixture.write("""
            {"customer_id": "C1", "occurred_at": "2026-11-20T12:00:00+08:00", "kind": "order", "amount": 128.5}
            {"customer_id": "C2", "occurred_at": "2026-11-21 09:00", "kind": "visit", "amount": null}

            """, as: "orders-1.jsonl")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.rejectedRows == 0)
        #expect(try fixture.store.conversions(in: Self.year).map(\.amount) == [128.5, 0])
    }
}

/// The real store on a disk that fills up after some batches (what ENOSPC or a kill -9 leaves behind).
final class FillingDisk: ImportJournal, @unchecked Sendable {
    struct DiskFull: Error {}
    let store: SQLiteStore
    private var commitsLeft: Int
    private let lock = NSLock()

    init(_ store: SQLiteStore, commitsBeforeFull: Int) {
        self.store = store
        commitsLeft = commitsBeforeFull
    }

    func commitBatch(_ batch: ImportBatch, progress: ImportProgress) throws {
        let full = lock.withLock { commitsLeft -= 1; return commitsLeft < 0 }
        if full { throw DiskFull() }
        try store.commitBatch(batch, progress: progress)
    }

    func importedFile(sha256: String) throws -> ImportedFile? { try store.importedFile(sha256: sha256) }
    func importProgress(sha256: String) throws -> ImportProgress? { try store.importProgress(sha256: sha256) }
    func rowErrors(sha256: String) throws -> [ImportRowError] { try store.rowErrors(sha256: sha256) }
    func finishImport(_ file: ImportedFile, snapshot: Bool, fingerprints: ImportFingerprints?) throws {
        try store.finishImport(file, snapshot: snapshot, fingerprints: fingerprints)
    }
    func importFingerprints(context: String) throws -> ImportFingerprints? { try store.importFingerprints(context: context) }
    func customerIDsChanged(after: Int64) throws -> [String] { try store.customerIDsChanged(after: after) }
    func activeCustomerCount(among ids: [String]?) throws -> Int { try store.activeCustomerCount(among: ids) }
    func knownCustomerIDs(among ids: [String]) throws -> Set<String> { try store.knownCustomerIDs(among: ids) }
    func couponSources(among coupons: [Coupon]) throws -> [String: String] { try store.couponSources(among: coupons) }
    func refreshRFMBreakpoints(at now: Date) throws -> RFMBreakpoints { try store.refreshRFMBreakpoints(at: now) }
}

extension ConversionInboxTests {
    @Test("a conversions file interrupted after its first batch resumes after it: every row once, every error once")
    func resumes() throws {
        let settings = InboxSettings(batchSize: 2)
        let fixture = try Self.fixture(settings: settings)
        try fixture.write("""
            customer_id,occurred_at,kind,amount
            C1,2026-11-20 12:00,order,10
            C404,2026-11-20 12:00,order,20
            C2,2026-11-21 12:00,order,30
            C3,2026-11-21 12:00,order,-40
            C3,2026-11-22 12:00,order,50
            C1,2026-11-22 12:00,visit,

            """, as: "orders-big.csv")
        let failing = InboxProcessor(inbox: fixture.inbox, store: FillingDisk(fixture.store, commitsBeforeFull: 1), stableSeconds: 0,
                                     settings: settings, fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
        let interrupted = try #require(failing.processReadyFiles(now: InboxFixture.now, timeZone: InboxFixture.zone).first)
        #expect(interrupted.kind == .interrupted)
        #expect(try fixture.store.conversions(in: Self.year).map(\.amount) == [10], "the first batch only")
        #expect(fixture.exists("orders-big.csv"), "the file stays in the inbox")

        let resumed = try #require(fixture.run().first)
        #expect(resumed.kind == .imported && resumed.rows == 6 && resumed.rejectedRows == 2)
        #expect(try fixture.store.conversions(in: Self.year).map(\.amount) == [10, 30, 0, 50])
        let errors = try fixture.read("rejected/orders-big.csv.errors.csv").split(separator: "\n")
        #expect(errors == ["line,field,value,reason", "3,customer_id,C404,unknown customer: no customer file has listed this id",
                           "5,amount,-40,negative: a refund is not a conversion"])
    }
}
