import BeckonCore
import Foundation

/// The `Alphabet:` of an smstools3 spool file and the bytes of its body.
///
/// smsd reads a file without `Alphabet:` as ISO-8859-15 (Latin-9), so a UTF-8 "Zoé" would go out as
/// "ZoÃ©". Beckon therefore always names the alphabet: `ISO` (Latin-9 bytes) for a GSM-7 text that Latin-9
/// can hold, which every smsd version reads; `UTF-8` for a GSM-7 text with a character Latin-9 lacks (the
/// Greek capitals of GSM-7, `¤`), read by smsd 3.1.16 and later; `UCS2` (UTF-16 big endian) for the rest,
/// as the carrier will send it.
enum SpoolAlphabet: String, Equatable {
    case iso = "ISO"
    case utf8 = "UTF-8"
    case ucs2 = "UCS2"

    /// The alphabet for a text and the body encoded in it.
    static func encode(_ text: String) -> (alphabet: SpoolAlphabet, body: Data) {
        if SegmentCounter.count(text).encoding == .ucs2 {
            return (.ucs2, text.data(using: .utf16BigEndian) ?? Data())
        }
        if let latin9 = latin9(text) { return (.iso, latin9) }
        return (.utf8, Data(text.utf8))
    }

    /// Latin-9 differs from Latin-1 in eight positions (the euro sign among them). Foundation on Linux has no
    /// ISO-8859-15 encoding, so the table is written out here: the rest of 0x00-0xFF maps to itself.
    static let latin9Replacements: [Unicode.Scalar: UInt8] = [
        "€": 0xA4, "Š": 0xA6, "š": 0xA8, "Ž": 0xB4, "ž": 0xB8, "Œ": 0xBC, "œ": 0xBD, "Ÿ": 0xBE,
    ]
    static let latin1Replaced: Set<UInt32> = [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE]

    /// The text in ISO-8859-15, or nil when a character has no place in it.
    static func latin9(_ text: String) -> Data? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if let byte = latin9Replacements[scalar] {
                bytes.append(byte)
            } else if scalar.value < 0x100, !latin1Replaced.contains(scalar.value) {
                bytes.append(UInt8(scalar.value))
            } else {
                return nil
            }
        }
        return Data(bytes)
    }
}
