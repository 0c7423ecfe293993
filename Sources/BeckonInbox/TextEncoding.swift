import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes an inbox file UTF-8: ERP exports in China are often GB18030/GBK.
///
/// Detection: a UTF-8 byte-order mark, or bytes that are valid UTF-8, mean UTF-8; anything else is read
/// as GB18030 (a superset of GBK and GB2312). Conversion streams through glibc's iconv (no kept Swift
/// package does this, and Foundation on Linux has no GB18030 decoder), chunk by chunk, into a sibling file.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030
    case auto

    /// The encoding of `url`, judged from its first megabyte.
    public static func detect(_ url: URL) throws -> TextEncoding {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var sample = [UInt8](try handle.read(upToCount: 1 << 20) ?? Data())
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        // A multi-byte sequence cut at the sample's end is not an error: trim up to 3 trailing bytes.
        for _ in 0..<3 where String(validating: sample, as: UTF8.self) == nil && !sample.isEmpty && sample.last! >= 0x80 {
            sample.removeLast()
        }
        return String(validating: sample, as: UTF8.self) == nil ? .gb18030 : .utf8
    }

    /// Writes a UTF-8 copy of a GB18030 file to `destination`.
    public static func transcodeGB18030(_ source: URL, to destination: URL) throws {
        #if canImport(Glibc)
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { throw ConversionError(reason: "iconv cannot convert from GB18030 on this system") }
        defer { iconv_close(converter) }
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        FileManager.default.createFile(atPath: destination.path, contents: nil)
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        var pending: [UInt8] = []
        var offset = 0
        while true {
            let chunk = try input.read(upToCount: 1 << 20) ?? Data()
            let atEnd = chunk.isEmpty
            pending += chunk
            if pending.isEmpty { break }
            var out = [UInt8](repeating: 0, count: pending.count * 2 + 16)
            var consumed = 0
            var produced = 0
            let result: Int = pending.withUnsafeMutableBufferPointer { inBuffer in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var inLeft = inBuffer.count
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count
                    let r = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    consumed = inBuffer.count - inLeft
                    produced = outBuffer.count - outLeft
                    return r == -1 ? Int(errno) : 0
                }
            }
            try output.write(contentsOf: Data(out[0..<produced]))
            pending.removeFirst(consumed)
            offset += consumed
            if result == EILSEQ {
                throw ConversionError(reason: "byte offset \(offset): not valid GB18030 (nor UTF-8): the file is binary or in another encoding")
            }
            // EINVAL: an incomplete sequence at the end of the chunk; it completes with the next one.
            if atEnd {
                if !pending.isEmpty { throw ConversionError(reason: "the file ends inside a multi-byte character") }
                break
            }
        }
        #else
        throw ConversionError(reason: "GB18030 conversion needs glibc's iconv")
        #endif
    }

    public struct ConversionError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }
}
