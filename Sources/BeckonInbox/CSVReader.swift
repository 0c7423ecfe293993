import Foundation

/// A streaming RFC 4180 reader: quoted fields with commas, doubled quotes and newlines; CRLF or LF.
///
/// Written by hand because no kept package streams CSV from a file handle with physical line numbers for
/// error reports (SwiftCSV and CSV.swift load or bridge the whole text). Reads 1 MiB chunks, so memory
/// stays flat on multi-gigabyte exports.
public struct CSVReader: ~Copyable {
    public struct Record {
        /// The physical line (1-based) the record starts on, for error reports.
        public var line: Int
        public var fields: [String]
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEOF = false
    private var line = 1
    private let chunkSize: Int
    /// JSON Lines: each line is one field, quotes and commas are the JSON's own.
    private let linesOnly: Bool

    public init(url: URL, chunkSize: Int = 1 << 20, delimitedByLinesOnly: Bool = false) throws {
        handle = try FileHandle(forReadingFrom: url)
        self.chunkSize = chunkSize
        self.linesOnly = delimitedByLinesOnly
        fill()
        // A UTF-8 byte-order mark is not part of the first column's name.
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    deinit { try? handle.close() }

    private mutating func fill() {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let data = (try? handle.read(upToCount: chunkSize)) ?? nil
        if let data, !data.isEmpty { buffer.append(contentsOf: data) } else { atEOF = true }
    }

    private mutating func nextByte() -> UInt8? {
        if position >= buffer.count {
            if atEOF { return nil }
            fill()
            if position >= buffer.count { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func peekByte() -> UInt8? {
        if position >= buffer.count {
            if atEOF { return nil }
            fill()
            if position >= buffer.count { return nil }
        }
        return buffer[position]
    }

    /// The next record, or nil at the end. Blank lines are skipped. A field that is not valid UTF-8 is
    /// decoded with replacement characters; callers that care about encodings convert the file first.
    public mutating func next() throws(CSVError) -> Record? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotedField = false
        let startLine = line
        var sawAnything = false

        func finishField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }

        while let byte = nextByte() {
            sawAnything = true
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if peekByte() == UInt8(ascii: "\"") {
                        _ = nextByte()
                        field.append(byte)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            if linesOnly && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") {
                field.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard field.isEmpty, !quotedField else {
                    throw .strayQuote(line: line)
                }
                inQuotes = true
                quotedField = true
            case UInt8(ascii: ","):
                finishField()
            case UInt8(ascii: "\r"):
                if peekByte() == UInt8(ascii: "\n") { continue }
                fallthrough
            case UInt8(ascii: "\n"):
                line += 1
                if fields.isEmpty && field.isEmpty && !quotedField {
                    // A blank line: skip it and keep looking.
                    sawAnything = false
                    return try next()
                }
                finishField()
                return Record(line: startLine, fields: fields)
            default:
                if quotedField { throw .textAfterClosingQuote(line: line) }
                field.append(byte)
            }
        }
        if inQuotes { throw .unterminatedQuote(line: startLine) }
        guard sawAnything else { return nil }
        finishField()
        return Record(line: startLine, fields: fields)
    }
}

public enum CSVError: Error, Equatable, CustomStringConvertible {
    case strayQuote(line: Int)
    case textAfterClosingQuote(line: Int)
    case unterminatedQuote(line: Int)

    public var description: String {
        switch self {
        case .strayQuote(let line): return "line \(line): a quote inside an unquoted field (quote the whole field and double inner quotes)"
        case .textAfterClosingQuote(let line): return "line \(line): text after a closing quote"
        case .unterminatedQuote(let line): return "line \(line): a quoted field is never closed"
        }
    }
}
