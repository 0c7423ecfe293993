import BeckonCore
import Testing

@Suite("CSV fields follow RFC 4180")
struct CSVFieldTests {
    @Test("fields with commas, quotes or line breaks are quoted, inner quotes doubled; others are left alone")
    func escaping() {
        #expect(CSVField.escape("plain 会员") == "plain 会员")
        #expect(CSVField.escape("a,b") == "\"a,b\"")
        #expect(CSVField.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVField.escape("line\nbreak") == "\"line\nbreak\"")
        #expect(CSVField.escape("cr\r") == "\"cr\r\"")
        #expect(CSVField.escape("") == "")
    }

    static let records: [[String]] = [
        ["key", "campaign", "phone"],
        ["spring/1/C1/2027-02-06", "spring", "138****8000"],
        ["", "", ""],
        ["【品牌】生日快乐，张三", "say \"hi\"", "a\r\nb"],
        ["é", "e\u{301}", "🎂,🎉"],
    ]

    @Test("a record appended as bytes is the line and its CRLF", arguments: records)
    func appendedRecord(fields: [String]) {
        var buffer: [UInt8] = [0x41]
        CSVField.appendRecord(fields, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "A" + CSVField.line(fields) + "\r\n")
    }
}
