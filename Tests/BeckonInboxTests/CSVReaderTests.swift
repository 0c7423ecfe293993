import BeckonCore
import Foundation
import Testing
@testable import BeckonInbox

/// Reads every record of `text`, or the error that stops reading.
func records(_ bytes: [UInt8], encoding: TextEncoding = .utf8, lines: Bool = false, max: Int = CSVReader.defaultMaxRecordBytes) -> Result<[CSVReader.Record], CSVError> {
    var reader = CSVReader(bytes: bytes, encoding: encoding, delimitedByLinesOnly: lines, maxRecordBytes: max)
    var all: [CSVReader.Record] = []
    do {
        while let record = try reader.next() { all.append(record) }
        return .success(all)
    } catch { return .failure(error) }
}

func records(_ text: String) -> [CSVReader.Record] { (try? records(Array(text.utf8)).get()) ?? [] }

@Suite("CSV reader: framing like Python's csv, problems per record")
struct CSVReaderTests {
    @Test("fields, quotes, doubled quotes, quoted line breaks and line numbers")
    func basics() {
        let all = records("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n")
        #expect(all.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(all.map(\.line) == [1, 2, 5])
        #expect(all[1].endLine == 3)
        #expect(all.allSatisfy { $0.problem == nil })
    }

    @Test("the same records whatever the line endings: LF, CRLF, CR")
    func lineEndings() {
        for separator in ["\n", "\r\n", "\r"] {
            let all = records(["h1,h2", "a,b", "", "c,d"].joined(separator: separator))
            #expect(all.map(\.fields) == [["h1", "h2"], ["a", "b"], ["c", "d"]])
            #expect(all.map(\.line) == [1, 2, 4])
        }
    }

    @Test("a quote inside an unquoted field is literal, as in Python's csv")
    func literalQuote() {
        let all = records("a\"b,5\" pipe\n")
        #expect(all.first?.fields == ["a\"b", "5\" pipe"])
        #expect(all.first?.problem == nil)
    }

    @Test("text after a closing quote: read as Python does, flagged for that record only")
    func textAfterQuote() {
        let all = records("\"ab\"cd,e\nf,g\n")
        #expect(all[0].fields == ["abcd", "e"])
        #expect(all[0].problem == .textAfterClosingQuote(field: 0))
        #expect(all[1].problem == nil)
    }

    @Test("an unclosed quote is the one error that stops reading, at the line it opened")
    func unclosed() {
        #expect(throws: CSVError.unterminatedQuote(line: 2)) {
            var reader = CSVReader(bytes: Array("a,b\n\"c,d\ne,f\n".utf8))
            while try reader.next() != nil {}
        }
        var reader = CSVReader(bytes: Array("a,b\n\"c,d\ne,f\n".utf8))
        #expect(throws: CSVError.unterminatedQuote(line: 2)) { _ = try reader.validateToEnd() }
    }

    @Test("100,000 blank lines are read in a loop, not by recursion")
    func blankLines() {
        let all = records(String(repeating: "\n", count: 100_000) + "a\n" + String(repeating: "\r\n", count: 100_000))
        #expect(all.map(\.line) == [100_001])
    }

    @Test("NUL, invalid UTF-8 and over-long records are problems of their record")
    func problems() {
        let bytes = Array("a,b\n".utf8) + [0x78, 0, 0x79] + Array(",ok\n".utf8) + [0x41, 0xFF] + Array(",x\nz,".utf8)
            + Array(repeating: 0x61, count: 100) + Array("\nlast,1".utf8)
        let all = (try? records(bytes, max: 50).get()) ?? []
        #expect(all.map(\.problem) == [nil, .nul(field: 0), .invalidEncoding(field: 0, encoding: .utf8), .tooLong(bytes: 101), nil])
        #expect(all[1].fields == ["x\\0y", "ok"])
        #expect(all[2].fields == ["A\\xFF", "x"])
        #expect(all[4].fields == ["last", "1"])
    }

    @Test("GB18030 fields are decoded one by one; a UTF-8 field among them is flagged, not garbled")
    func gb18030Fields() {
        let bytes = gb18030("姓名,城市\n王芳,上海\n") + Array("张伟,北京\n".utf8) + gb18030("李雷,€\n")
        let all = (try? records(bytes, encoding: .gb18030).get()) ?? []
        #expect(all.map(\.fields) == [["姓名", "城市"], ["王芳", "上海"], ["张伟", "北京"], ["李雷", "€"]])
        #expect(all.map(\.problem) == [nil, nil, .otherEncoding(field: 0, encoding: .gb18030), nil])
    }

    @Test("JSON Lines: one field a line, quotes and commas are the JSON's")
    func jsonLines() {
        let all = (try? records(Array("{\"a\":\"x,\\\"y\"}\n\n{\"b\":1}\r\n".utf8), lines: true).get()) ?? []
        #expect(all.map(\.fields) == [["{\"a\":\"x,\\\"y\"}"], ["{\"b\":1}"]])
        #expect(all.map(\.line) == [1, 3])
    }

    @Test("chunk boundaries change nothing: a file read 7 bytes at a time gives the same records")
    func chunks() throws {
        let text = "customer_id,name,phone\r\nC1,\"Smith, \"\"Ann\"\"\",13800138000\r\nC2,\"two\r\nlines\",x\r\n\r\nC3,张伟,y\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var reader = try CSVReader(url: url, chunkSize: 7)
        var fromFile: [[String]] = []
        while let record = try reader.next() { fromFile.append(record.fields) }
        #expect(fromFile == records(text).map(\.fields))
        #expect(fromFile.count == 4)
    }

    @Test("seeking to a resume point gives the records that followed it, inside the chunk read, ahead of it or behind it",
          arguments: [5, 64, 1 << 20])
    func seekToResumePoints(chunkSize: Int) throws {
        let text = "id,name\r\nC1,\"two\r\nlines\"\r\nC2,b\r\nC3,张伟\r\n\r\nC4,d\nC5,e\r\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seek-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var reader = try CSVReader(url: url, chunkSize: chunkSize)
        var points: [(offset: Int, line: Int)] = []
        var all: [CSVReader.Record] = []
        while let record = try reader.next() {
            all.append(record)
            points.append(reader.resumePoint)
        }
        #expect(all.map { $0.fields.first } == ["id", "C1", "C2", "C3", "C4", "C5"])
        // Every pair (from a resume point, read one record), in an order that seeks ahead, back and far.
        for index in [4, 0, 1, 2, 3, 3, 0, 2, 1, 4] {
            try reader.seek(to: points[index])
            let next = try #require(try reader.next())
            #expect(next.fields == all[index + 1].fields, "after record \(index)")
            #expect(next.line == all[index + 1].line, "line after record \(index)")
        }
        try reader.seek(to: points[5])
        #expect(try reader.next() == nil)
    }

    @Test("encoding detection: UTF-8, GB18030 by majority, UTF-16 and binary refused")
    func detection() throws {
        #expect(try TextEncoding.detect(sample: Array("a,b\n张伟,1\n".utf8), complete: true) == .utf8)
        #expect(try TextEncoding.detect(sample: gb18030("a,b\n张伟,1\n王芳,2\n") + Array("李雷,3\n".utf8), complete: true) == .gb18030)
        #expect(throws: TextEncoding.UnreadableEncoding.self) { try TextEncoding.detect(sample: [0xFF, 0xFE, 0x61, 0], complete: true) }
        #expect(throws: TextEncoding.UnreadableEncoding.self) { try TextEncoding.detect(sample: [0, 0xFF, 0xFE, 0x81, 0x30, 0, 1, 2], complete: true) }
    }
}
