import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonInbox

/// A fresh inbox folder with fixture files copied in, and an in-memory store.
final class InboxFixture {
    let inbox: URL
    let store: SQLiteStore
    let processor: InboxProcessor
    static let now = ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt)!
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    init(settings: InboxSettings = InboxSettings(), stableSeconds: Double = 0, fileClock: any WallClock = FixedClock(Date(timeIntervalSinceNow: 3600))) throws {
        inbox = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        store = try SQLiteStore()
        processor = InboxProcessor(inbox: inbox, store: store, stableSeconds: stableSeconds, settings: settings,
                                   fileClock: fileClock, logger: Logger(label: "test"))
    }

    deinit { try? FileManager.default.removeItem(at: inbox) }

    @discardableResult
    func drop(_ fixture: String, as name: String? = nil) throws -> URL {
        let source = Bundle.module.url(forResource: "Fixtures/" + fixture, withExtension: nil)!
        let target = inbox.appendingPathComponent(name ?? fixture)
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }

    func write(_ text: String, as name: String) throws {
        try Data(text.utf8).write(to: inbox.appendingPathComponent(name))
    }

    func run() -> [InboxProcessor.Outcome] { processor.processReadyFiles(now: Self.now, timeZone: Self.zone) }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: inbox.appendingPathComponent(relative).path) }
    func read(_ relative: String) throws -> String { try String(contentsOf: inbox.appendingPathComponent(relative), encoding: .utf8) }
}

@Suite("Inbox: real ERP exports")
struct InboxTests {
    @Test("a re-import writes only the rows that changed: an unchanged one keeps its source line and change number")
    func unchangedRowsAreNotWritten() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,name,phone,tier\nC1,王芳,13800138000,gold\nC2,李雷,13800138001,silver\n", as: "members-1.csv")
        _ = fixture.run()
        let firstChange = try fixture.store.lastCustomerChange()
        // The next night's export: C1 as it was (now on line 3), C2 with a new tier, C3 new.
        try fixture.write("customer_id,name,phone,tier\nC3,韩梅梅,13800138002,\nC1,王芳,13800138000,gold\nC2,李雷,13800138001,gold\n",
                          as: "members-2.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 3)
        #expect(try fixture.store.customer(id: "C1")?.source == "members-1.csv:2", "unchanged: not written again")
        #expect(try fixture.store.customer(id: "C2")?.source == "members-2.csv:4")
        #expect(try fixture.store.customer(id: "C2")?.tier == "gold")
        var changed: [String] = []
        try fixture.store.forEachActiveCustomerChanged(after: firstChange, batchSize: 10) { changed += $0.map(\.id) }
        #expect(changed == ["C2", "C3"], "the planner re-plans the changed and the new, not the unchanged")
    }

    @Test("a GBK export with Chinese column names is converted and mapped")
    func gbk() throws {
        let fixture = try InboxFixture(settings: InboxSettings(aliases: ["会员编号": "customer_id", "姓名": "name", "手机号": "phone", "生日": "birthday"]))
        try fixture.drop("members-gbk.csv")
        let outcomes = fixture.run()
        #expect(outcomes.map(\.kind) == [.imported])
        #expect(outcomes.first?.rows == 2 && outcomes.first?.rejectedRows == 0)
        let wang = try #require(try fixture.store.customer(id: "M001"))
        #expect(wang.name == "王芳")
        #expect(wang.phone == "+8613800138000")
        #expect(wang.source == "members-gbk.csv:2")
        #expect(wang.birthday == LocalDate(iso: "1990-03-05"))
        #expect(wang.attributes["城市"] == "上海")
        #expect(try fixture.store.customer(id: "M002")?.birthday == LocalDate(iso: "1985-11-24"))
        #expect(fixture.exists("archive/2026-11-24/members-gbk.csv"))
    }

    @Test("BOM, CRLF, quoted commas, doubled quotes and a quoted newline")
    func bomAndQuotes() throws {
        let fixture = try InboxFixture()
        try fixture.drop("bom-crlf.csv")
        #expect(fixture.run().first?.rows == 2)
        let c1 = try #require(try fixture.store.customer(id: "C1"))
        #expect(c1.name == "Smith, Ann")
        #expect(c1.attributes["note"] == "line one\r\nline two")
        #expect(try fixture.store.customer(id: "C2")?.name == "Quote \"Q\"")
    }

    @Test("duplicate ids in one file: the last row wins, and it is reported")
    func duplicates() throws {
        let fixture = try InboxFixture()
        try fixture.drop("duplicates.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.detail.contains("1 duplicate id(s), last row wins"))
        #expect(try fixture.store.customer(id: "C1")?.name == "Second")
    }

    @Test("bad rows go to rejected/NAME.errors.csv with line, field, value and reason; the rest is imported")
    func badRows() throws {
        let fixture = try InboxFixture()
        try fixture.drop("bad-rows.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 5 && outcome.rejectedRows == 4)
        #expect(try fixture.store.customer(id: "C1") != nil)
        let errors = try fixture.read("rejected/bad-rows.csv.errors.csv")
        #expect(errors == """
            line,field,value,reason
            3,phone,12345,not a valid phone number
            4,birthday,1990-02-30,"not a date (YYYY-MM-DD, 2024/3/5, 20240305 or an Excel serial)"
            5,timezone,Mars/Base,unknown IANA time zone
            6,customer_id,,empty customer id

            """)
    }

    @Test("the same content dropped twice is skipped and reported, not imported again")
    func sameFileTwice() throws {
        let fixture = try InboxFixture()
        try fixture.drop("duplicates.csv")
        _ = fixture.run()
        try fixture.drop("duplicates.csv", as: "duplicates-again.csv")
        let second = try #require(fixture.run().first)
        #expect(second.kind == .duplicate)
        #expect(second.detail.contains("same content as duplicates.csv"))
        #expect(fixture.exists("archive/2026-11-24/duplicates-again.csv.duplicate"))
    }

    @Test("a binary or column-less file is quarantined whole with a reason; other files keep flowing")
    func quarantine() throws {
        let fixture = try InboxFixture()
        try fixture.drop("binary.csv")
        try fixture.write("id,fullname\n1,x\n", as: "wrong-columns.csv")
        try fixture.drop("duplicates.csv")
        let outcomes = fixture.run()
        #expect(outcomes.map(\.kind) == [.rejected, .imported, .rejected])
        #expect(fixture.exists("rejected/binary.csv") && fixture.exists("rejected/binary.csv.reason"))
        #expect(try fixture.read("rejected/wrong-columns.csv.reason").contains("missing required column(s) customer_id, name, phone"))
    }

    @Test("opt-out replies: TD, full-width STOP and 退订 suppress; a keyword inside a sentence is flagged for review")
    func optOuts() throws {
        let fixture = try InboxFixture()
        try fixture.drop("optout-replies.csv")
        #expect(fixture.run().first?.detail.contains("1 reply(ies) to review") == true)
        let suppressed = try fixture.store.suppressions(customerIDs: [], phones: ["+8613800138000", "+8613900139000", "+8613700137000", "+8613600136000", "+8613500135000"])
        #expect(Set(suppressed.compactMap(\.phone)) == ["+8613800138000", "+8613900139000", "+8613700137000"])
        #expect(try fixture.read("rejected/optout-replies.csv.review.txt").contains("please do not stop"))
        // START lifts a reply opt-out.
        try fixture.write("phone,reply\n13800138000,start\n", as: "replies-2.csv")
        _ = fixture.run()
        #expect(try fixture.store.suppressions(customerIDs: [], phones: ["+8613800138000"]).isEmpty)
    }

    @Test("trigger files store events with their attributes; a bad timestamp is a row error")
    func events() throws {
        let fixture = try InboxFixture()
        try fixture.drop("cart-events.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 3 && outcome.rejectedRows == 1)
        #expect(outcome.errors.first?.field == "at")
        // Each event remembers its file and line, which receipts carry for reconciliation.
        let events = try fixture.store.events(customerIDs: ["C1"], since: Date(timeIntervalSince1970: 0), arrivedAfter: 0)
        #expect(events["C1"]?.first?.source == "cart-events.csv:2")
        #expect(events["C1"]?.first?.arrivedSincePlanning == true, "an event no planning pass has seen is new")
        #expect(events["C1"]?.first?.attributes["product"] == "羊绒围巾")
    }

    @Test("JSON Lines customer files")
    func jsonLines() throws {
        let fixture = try InboxFixture()
        try fixture.drop("customers.jsonl")
        #expect(fixture.run().first?.rows == 2)
        #expect(try fixture.store.customer(id: "J1")?.birthday == LocalDate(iso: "1990-03-05"))
    }

    @Test("a full snapshot marks customers it does not list inactive, never deleting them")
    func snapshot() throws {
        let fixture = try InboxFixture(settings: InboxSettings(snapshotMaxDeactivate: 1))
        try fixture.write("customer_id,name,phone\nC1,a,13800138000\nC2,b,13900139000\n", as: "members-delta.csv")
        _ = fixture.run()
        try fixture.write("customer_id,name,phone\nC2,b,13900139000\n", as: "members-snapshot.csv")
        _ = fixture.run()
        #expect(try fixture.store.customer(id: "C1")?.active == false)
        #expect(try fixture.store.customer(id: "C2")?.active == true)
    }

    @Test("names ending .tmp/.part or starting with a dot are never taken; a .done marker makes a file ready")
    func handOff() throws {
        let fixture = try InboxFixture(stableSeconds: 3600, fileClock: FixedClock(Date()))
        for name in ["a.csv.tmp", "b.csv.part", ".c.csv", "d.csv"] {
            try fixture.write("customer_id,name,phone\nC1,a,13800138000\n", as: name)
        }
        #expect(try fixture.processor.readyFiles().isEmpty)
        try fixture.write("", as: "d.csv.done")
        #expect(try fixture.processor.readyFiles().map(\.lastPathComponent) == ["d.csv"])
        _ = fixture.run()
        #expect(!fixture.exists("d.csv.done"))
    }

    @Test("a file that grows between scans is left alone until it has been still")
    func growingFile() throws {
        let clock = MutableClock(Date())
        let fixture = try InboxFixture(stableSeconds: 5, fileClock: clock)
        try fixture.write("customer_id,name,phone\nC1,a,13800138000\n", as: "growing.csv")
        #expect(try fixture.processor.readyFiles().isEmpty) // too recent
        let handle = try FileHandle(forWritingTo: fixture.inbox.appendingPathComponent("growing.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("C2,b,13900139000\n".utf8))
        try handle.close()
        clock.now = Date().addingTimeInterval(10)
        #expect(try fixture.processor.readyFiles().isEmpty) // changed since the last scan
        #expect(try fixture.processor.readyFiles().map(\.lastPathComponent) == ["growing.csv"]) // still since
    }

    @Test("a symlink in the inbox is never followed")
    func symlinks() throws {
        let fixture = try InboxFixture()
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).csv")
        try Data("customer_id,name,phone\nC9,x,13800138000\n".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: fixture.inbox.appendingPathComponent("link.csv"), withDestinationURL: outside)
        #expect(try fixture.processor.readyFiles().isEmpty)
    }

    @Test("dates in ERP formats", arguments: [
        ("2024-03-05", "2024-03-05"), ("2024/3/5", "2024-03-05"), ("20240305", "2024-03-05"), ("45356", "2024-03-05"),
        ("２０２４年３月５日", "2024-03-05"), ("2024.03.05", "2024-03-05"), ("2024-02-30", nil), ("soon", nil),
        ("24/3/5", nil), ("2024/3", nil), ("2024/3/5/7", nil), ("2024/3/5x", nil),
    ])
    func dates(raw: String, expected: String?) {
        #expect(FieldParsers.date(raw)?.description == expected)
    }

    @Test("phones are normalised to E.164, invalid ones refused", arguments: [
        ("+86 138-0013-8000", "+8613800138000"), ("１３８００１３８０００", "+8613800138000"), ("0086 13800138000", "+8613800138000"),
        ("13800138000", "+8613800138000"), ("+44 7911 123456", "+447911123456"), ("12345", nil), ("138001380001", nil), ("abc", nil),
        ("8613800138000", "+8613800138000"), ("8612345678901", nil),
    ])
    func phones(raw: String, expected: String?) {
        #expect(PhoneNormalizer.normalize(raw) == expected)
    }
}

final class MutableClock: WallClock, @unchecked Sendable {
    var now: Date
    init(_ now: Date) { self.now = now }
}
