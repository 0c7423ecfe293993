import BeckonCore
import Testing

@Suite("Form fields of delivery reports and replies")
struct FormFieldsTests {
    @Test("names and values are unescaped; + is a space; the last of a name wins")
    func decode() {
        #expect(FormFields.decode("key=birthday%2F0%2FC1%2F2026-12-02&text=%E4%B8%8D%E8%A6%81TD+%E8%B0%A2%E8%B0%A2&status=1&status=8")
                == ["key": "birthday/0/C1/2026-12-02", "text": "不要TD 谢谢", "status": "8"])
    }

    @Test("malformed input never fails", arguments: [
        ("a=%", ["a": "%"]), ("a=%4", ["a": "%4"]), ("a=%zz", ["a": "%zz"]), ("=x", ["": "x"]), ("a", ["a": ""]),
        ("&&a=1&&", ["a": "1"]), ("a=1=2", ["a": "1=2"]), ("a=%FF", ["a": "\u{FFFD}"]), ("", [:]),
    ])
    func malformed(text: String, fields: [String: String]) {
        #expect(FormFields.decode(text) == fields)
    }
}
