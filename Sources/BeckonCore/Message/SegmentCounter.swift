/// Counts what an SMS costs the way carriers count it.
///
/// GSM 03.38: a text made only of the 7-bit default alphabet is GSM-7, 160 septets in one message or 153
/// per part of a concatenated one (the user data header takes 7); characters of the extension table
/// (`^ { } \ [ ] ~ | €` and form feed) take two septets and a pair is never split across parts. Anything
/// else makes the whole text UCS-2, counted in UTF-16 code units: 70 in one message, 67 per part; an
/// emoji outside the BMP is a surrogate pair, two units, never split across parts.
public enum SegmentCounter {
    public enum Encoding: String, Hashable, Sendable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    public struct Count: Hashable, Sendable, CustomStringConvertible {
        public var encoding: Encoding
        /// Septets (GSM-7) or UTF-16 code units (UCS-2).
        public var units: Int
        public var segments: Int

        /// `ENCODING<TAB>UNITS<TAB>SEGMENTS`, as `beckon segments` prints it.
        public var description: String { "\(encoding.rawValue)\t\(units)\t\(segments)" }
    }

    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    static let extended: Set<Character> = Set("^{}\\[]~|€\u{0C}")

    /// The same alphabet by scalar, for the common case of precomposed text.
    static let basicScalars: Set<Unicode.Scalar> = Set(basic.flatMap(\.unicodeScalars))
    static let extendedScalars: Set<Unicode.Scalar> = Set(extended.flatMap(\.unicodeScalars))

    public static func isGSM7(_ character: Character) -> Bool { basic.contains(character) || extended.contains(character) }

    public static func count(_ text: String) -> Count {
        // Fast path by scalar (each counted message is planned, stored and sent, so this runs three times per
        // message): a precomposed GSM-7 text is one septet per scalar, two for the extension table, and CRLF
        // is two scalars as it is two septets on the air.
        if text.unicodeScalars.allSatisfy({ basicScalars.contains($0) || extendedScalars.contains($0) }) {
            let widths = text.unicodeScalars.map { extendedScalars.contains($0) ? 2 : 1 }
            return Count(encoding: .gsm7, units: widths.reduce(0, +), segments: segments(widths, single: 160, part: 153))
        }
        // Characters are compared by canonical equivalence, so a decomposed `e` + U+0301 still counts as `é`.
        // `allSatisfy` on the String stops at the first non-GSM character (at once for Chinese text).
        if text.allSatisfy({ $0 == "\r\n" || isGSM7($0) }) {
            // CRLF is one Character in Swift but two septets on the air.
            let widths = text.flatMap { $0 == "\r\n" ? [1, 1] : [extended.contains($0) ? 2 : 1] }
            return Count(encoding: .gsm7, units: widths.reduce(0, +), segments: segments(widths, single: 160, part: 153))
        }
        // UTF-16 units per scalar: 1 in the BMP, 2 for a surrogate pair (kept together in one part).
        let widths = text.unicodeScalars.map { $0.value > 0xFFFF ? 2 : 1 }
        return Count(encoding: .ucs2, units: widths.reduce(0, +), segments: segments(widths, single: 70, part: 67))
    }

    /// Parts needed when indivisible items of `widths` are packed in order.
    static func segments(_ widths: [Int], single: Int, part: Int) -> Int {
        let total = widths.reduce(0, +)
        if total == 0 { return 1 }
        if total <= single { return 1 }
        var parts = 1, used = 0
        for width in widths {
            if used + width > part {
                parts += 1
                used = 0
            }
            used += width
        }
        return parts
    }
}
