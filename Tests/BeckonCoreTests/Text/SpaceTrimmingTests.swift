import BeckonCore
import Foundation
import Testing

@Suite("Trimming by hand matches Foundation")
struct SpaceTrimmingTests {
    static let samples = ["", " ", "abc", "  abc  ", "\tabc\u{3000}", "\u{00A0}会员\u{00A0}", " a b ", "\nabc\r\n",
                          "【品牌】生日快乐\n\n", "\u{2028}x\u{0085}", "x\n y"]

    @Test("trimmedSpaces is trimmingCharacters(in: .whitespaces)", arguments: samples)
    func spaces(text: String) {
        #expect(text.trimmedSpaces == text.trimmingCharacters(in: .whitespaces))
    }

    @Test("trimmedWhitespaceAndNewlines is trimmingCharacters(in: .whitespacesAndNewlines)", arguments: samples)
    func whitespaceAndNewlines(text: String) {
        #expect(text.trimmedWhitespaceAndNewlines == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
