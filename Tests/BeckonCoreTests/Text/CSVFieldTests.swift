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
        ["=HYPERLINK(\"http://x\",\"y\")", "+8613800138000", "-5", "@SUM(A1)", "\tx", "+cmd|' /C calc'!A0", "-"],
    ]

    @Test("a record appended as bytes is the line and its CRLF", arguments: records)
    func appendedRecord(fields: [String]) {
        var buffer: [UInt8] = [0x41]
        CSVField.appendRecord(fields, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "A" + CSVField.line(fields) + "\r\n")
    }

    @Test("values a spreadsheet would run as formulas get a leading quote", arguments: [
        ("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "\"'\rx\""),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("-2+3", "'-2+3"), ("=HYPERLINK(\"u\")", "\"'=HYPERLINK(\"\"u\"\")\""),
        ("-1,+A1", "\"'-1,+A1\""),
    ])
    func formulas(value: String, escaped: String) {
        #expect(CSVField.escape(value) == escaped)
    }

    @Test("phones, masked phones and numbers starting with + or - stay as they are", arguments: [
        "+8613800138000", "-5", "-5.25", "+86 138-0013-8000", "+86138****8000", "-", "+", "1,234", "a=b", "中文=",
    ])
    func numbersUntouched(value: String) {
        let expected = value.contains(",") ? "\"\(value)\"" : value
        #expect(CSVField.escape(value) == expected)
    }
}
