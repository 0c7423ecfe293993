import Foundation

/// The text encoding of an inbox file: ERP exports in China are often GB18030/GBK, the rest UTF-8.
///
/// The encoding is decided per file (a UTF-8 byte-order mark, or what most lines of the first megabyte are)
/// and checked per field as the file is read (`FieldDecoder`): a line in another encoding is a row error of
/// that line, never stored garbled or with U+FFFD. Nothing is converted to a temporary file.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030
    case auto

    public var displayName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        case .auto: "auto"
        }
    }

    /// The encoding of `url`, judged from its first megabyte.
    public static func detect(_ url: URL) throws -> TextEncoding {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return try detect(handle)
    }

    /// The encoding of an open file, judged from its first megabyte (read from the current offset).
    static func detect(_ handle: FileHandle) throws -> TextEncoding {
        let sample = [UInt8](try handle.read(upToCount: 1 << 20) ?? Data())
        return try detect(sample: sample, complete: sample.count < 1 << 20)
    }

    /// Lines with non-ASCII bytes vote: valid UTF-8, or else valid GB18030. A file in which most such lines are
    /// neither (a spreadsheet, an image, UTF-16) cannot be read as text at all.
    public static func detect(sample: [UInt8], complete: Bool) throws(UnreadableEncoding) -> TextEncoding {
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF]) {
            throw UnreadableEncoding(reason: "the file is UTF-16 (it starts with a UTF-16 byte-order mark): export it as UTF-8 or GB18030")
        }
        var lines = sample.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        // The sample's last line may be cut inside a character.
        if !complete, lines.count > 1 { lines.removeLast() }
        var utf8 = 0, gb = 0, neither = 0
        let decoder = FieldDecoder(.gb18030)
        for raw in lines where raw.contains(where: { $0 >= 0x80 }) {
            // NUL bytes are a row error of their line, not a vote on the encoding; only non-ASCII bytes vote.
            let line = raw.contains(0) ? ArraySlice(raw.filter { $0 != 0 }) : raw
            if String(validating: line, as: UTF8.self) != nil {
                utf8 += 1
            } else if line.withUnsafeBufferPointer({ decoder.convert($0) }) != nil {
                gb += 1
            } else {
                neither += 1
            }
        }
        let total = utf8 + gb + neither
        if total == 0 { return .utf8 }
        guard max(utf8, gb) * 2 > total else {
            throw UnreadableEncoding(reason: "\(neither) of the first megabyte's \(total) lines with non-ASCII bytes are neither UTF-8 nor GB18030: the file is binary or in another encoding")
        }
        return utf8 >= gb ? .utf8 : .gb18030
    }

    public struct UnreadableEncoding: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Decodes one field's bytes in a file's encoding, or says why it cannot.
///
/// GB18030 goes through glibc's iconv (Foundation on Linux has no GB18030 decoder, no kept package has one),
/// one field at a time, so a bad sequence costs one row, not the file.
final class FieldDecoder {
    enum Failure { case nul, invalid, otherEncoding }
    enum Decoded {
        case text(String)
        case failure(Failure)
    }

    let encoding: TextEncoding
    #if canImport(Glibc)
    private let converter: iconv_t?
    #endif
    private var output: [UInt8] = []

    init(_ encoding: TextEncoding) {
        self.encoding = encoding == .auto ? .utf8 : encoding
        #if canImport(Glibc)
        if self.encoding == .gb18030 {
            let handle = iconv_open("UTF-8", "GB18030")
            converter = handle == iconv_t(bitPattern: -1) ? nil : handle
        } else {
            converter = nil
        }
        #endif
    }

    deinit {
        #if canImport(Glibc)
        if let converter { iconv_close(converter) }
        #endif
    }

    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Decoded {
        if bytes.contains(0) { return .failure(.nul) }
        switch encoding {
        case .utf8, .auto:
            guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.invalid) }
            return .text(text)
        case .gb18030:
            if !bytes.contains(where: { $0 >= 0x80 }) { return .text(String(decoding: bytes, as: UTF8.self)) }
            if let utf8 = String(validating: bytes, as: UTF8.self), Self.readsAsChineseUTF8(utf8) { return .failure(.otherEncoding) }
            guard let text = convert(bytes) else { return .failure(.invalid) }
            return .text(text)
        }
    }

    /// Valid UTF-8 whose characters are all ASCII or CJK: almost surely UTF-8 text. GB18030 text is rarely valid
    /// UTF-8 at all, and when it is (about 3 in 100 two-character names) it reads as Latin, Greek or Cyrillic
    /// letters, not as CJK; measured over random GB2312 names, 2 in 100,000 three-character ones pass this test.
    static func readsAsChineseUTF8(_ text: String) -> Bool {
        var sawCJK = false
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            switch scalar.value {
            case 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF00...0xFFEF: sawCJK = true
            default: return false
            }
        }
        return sawCJK
    }

    /// GB18030 bytes as a string, or nil when they are not valid GB18030.
    func convert(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        #if canImport(Glibc)
        guard let converter, let base = bytes.baseAddress else { return bytes.isEmpty ? "" : nil }
        let capacity = bytes.count * 2 + 4
        if output.count < capacity { output = [UInt8](repeating: 0, count: capacity) }
        _ = iconv(converter, nil, nil, nil, nil) // a fresh state for each field
        var produced = 0
        let ok: Bool = output.withUnsafeMutableBufferPointer { out in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: CChar.self)
            var inLeft = bytes.count
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outLeft = out.count
            let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            produced = out.count - outLeft
            return result != -1 && inLeft == 0
        }
        guard ok else { return nil }
        return output.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[0..<produced]), as: UTF8.self) }
        #else
        return nil
        #endif
    }

    /// A field that cannot be stored, made readable for the error report: its UTF-8 or GB18030 reading if it has
    /// one, else its ASCII with `\xNN` for other bytes; NUL always shows as `\0`.
    static func visible(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text.replacingOccurrences(of: "\0", with: "\\0") }
        let withoutNUL = bytes.filter { $0 != 0 }
        if withoutNUL.count == bytes.count, let text = withoutNUL.withUnsafeBufferPointer({ FieldDecoder(.gb18030).convert($0) }) {
            return text
        }
        var text = ""
        for byte in bytes {
            switch byte {
            case 0: text += "\\0"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return text
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
