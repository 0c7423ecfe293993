import BeckonCore
import Testing

@Suite("SMS segment counting")
struct SegmentCounterTests {
    static let chinese = "生"

    @Test("known cases", arguments: [
        (String(repeating: "a", count: 160), "GSM-7", 160, 1),
        (String(repeating: "a", count: 161), "GSM-7", 161, 2),
        (String(repeating: "a", count: 306), "GSM-7", 306, 2),
        (String(repeating: "a", count: 307), "GSM-7", 307, 3),
        (String(repeating: "a", count: 159) + "€", "GSM-7", 161, 2),
        (String(repeating: "a", count: 158) + "{", "GSM-7", 160, 1),
        ("[]{}", "GSM-7", 8, 1),
        ("", "GSM-7", 0, 1),
        (String(repeating: "a", count: 159) + chinese, "UCS-2", 160, 3),
        (String(repeating: "生", count: 70), "UCS-2", 70, 1),
        (String(repeating: "生", count: 71), "UCS-2", 71, 2),
        (String(repeating: "生", count: 134), "UCS-2", 134, 2),
        (String(repeating: "生", count: 135), "UCS-2", 135, 3),
        ("生日快乐🎂", "UCS-2", 6, 1),
        (String(repeating: "生", count: 68) + "🎂", "UCS-2", 70, 1),
        (String(repeating: "生", count: 69) + "🎂", "UCS-2", 71, 2),
        // A surrogate pair is never split: 66 units then the emoji do not fit in the first 67-unit part.
        (String(repeating: "生", count: 66) + "🎂" + String(repeating: "生", count: 5), "UCS-2", 73, 2),
        ("Hello\r\nWorld", "GSM-7", 12, 1),
        // A decomposed é (e + U+0301) is canonically the GSM-7 é: one septet, with or without a CRLF after it.
        ("Cafe\u{301}", "GSM-7", 4, 1),
        ("Cafe\u{301}\r\n{", "GSM-7", 8, 1),
        ("Caf\u{E9} {ok}", "GSM-7", 11, 1),
    ])
    func knownCases(text: String, encoding: String, units: Int, segments: Int) {
        let count = SegmentCounter.count(text)
        #expect(count.encoding.rawValue == encoding)
        #expect(count.units == units)
        #expect(count.segments == segments)
    }

    @Test("an extension character pair is never split across parts")
    func extensionNotSplit() {
        // 152 plain + '€' (2 septets) = 154 > 153 for the first part: the € moves to part two.
        let count = SegmentCounter.count(String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 10))
        #expect(count.units == 164)
        #expect(count.segments == 2)
    }

    @Test("the printed form is ENCODING, UNITS and SEGMENTS separated by tabs")
    func printed() {
        #expect(SegmentCounter.count(String(repeating: "生", count: 71)).description == "UCS-2\t71\t2")
    }
}
