import BeckonCore
import Foundation

/// A streaming RFC 4180 reader over bytes: quoted fields with commas, doubled quotes and newlines; CRLF, LF or CR.
///
/// Written by hand because no kept package streams CSV from a file handle with physical line numbers for
/// error reports (SwiftCSV and CSV.swift load or bridge the whole text). Reads 1 MiB chunks, so memory
/// stays flat on multi-gigabyte exports.
///
/// Framing follows Python's `csv` module (what most ERP exports are checked against): a quote inside an
/// unquoted field is taken literally (`5" pipe`), a blank line is no record. What Python accepts silently but
/// that loses information is a `RecordProblem` of that one record, never of the file: text after a closing
/// quote, bytes invalid in the file's encoding, a NUL byte, a record longer than `maxRecordBytes`. The only
/// error that ends reading is a quoted field still open at the end of the file: from the opening quote on,
/// nothing can be read as records.
///
/// Fuzzing entry point: `CSVReader(bytes:encoding:)`, then `next()` until nil or a throw; no file, no store.
public struct CSVReader: ~Copyable {
    public struct Record: Sendable {
        /// The physical line (1-based) the record starts on, for error reports.
        public var line: Int
        /// The physical line it ends on (a quoted field may hold line breaks).
        public var endLine: Int
        /// The fields, decoded from the file's encoding. With a `problem`, a field that could not be decoded
        /// holds a visible rendering (`\xNN` for bad bytes, `\0` for NUL): for reports, never for storing.
        public var fields: [String]
        public var problem: RecordProblem?

        public init(line: Int, endLine: Int? = nil, fields: [String], problem: RecordProblem? = nil) {
            self.line = line
            self.endLine = endLine ?? line
            self.fields = fields
            self.problem = problem
        }
    }

    /// 16 MiB: far beyond any real customer row; a longer one is a problem of that record, not a memory spike.
    public static let defaultMaxRecordBytes = 16 << 20

    private enum Input {
        case handle(FileHandle, closeWhenDone: Bool)
        case memory
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    private let input: Input
    private var buffer: [UInt8] = []
    private var position = 0
    /// The file offset of `buffer[0]`.
    private var base = 0
    private var atEOF = false
    private var line = 1
    private let chunkSize: Int
    private let maxRecordBytes: Int
    /// JSON Lines: each line is one field, quotes and commas are the JSON's own.
    private let linesOnly: Bool
    private let decoder: FieldDecoder
    /// A CR ended the previous record: an LF right after it belongs to the same line break.
    private var skipLF = false
    /// The last byte was a CR inside a quoted field (counted as a line break; an LF after it is the same one).
    private var crInQuotes = false

    // The record being read: its fields' bytes end to end, and where each field ends.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var sawHigh = false
    private var sawNUL = false
    private var afterClosingQuote: Int?
    private var tooLong = false
    private var recordBytes = 0

    /// Reads `url` from the start.
    public init(url: URL, encoding: TextEncoding = .utf8, chunkSize: Int = 1 << 20, delimitedByLinesOnly: Bool = false,
                maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) throws {
        self.init(handle: try FileHandle(forReadingFrom: url), closeWhenDone: true, encoding: encoding, chunkSize: chunkSize,
                  delimitedByLinesOnly: delimitedByLinesOnly, maxRecordBytes: maxRecordBytes)
    }

    /// Reads an open file from its current offset (the inbox opens each file once, see `InboxFile`).
    public init(handle: FileHandle, closeWhenDone: Bool = false, encoding: TextEncoding = .utf8, chunkSize: Int = 1 << 20,
                delimitedByLinesOnly: Bool = false, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) {
        input = .handle(handle, closeWhenDone: closeWhenDone)
        self.chunkSize = chunkSize
        self.linesOnly = delimitedByLinesOnly
        self.maxRecordBytes = maxRecordBytes
        decoder = FieldDecoder(encoding)
        _ = refill()
        skipByteOrderMark()
    }

    /// Reads records from bytes in memory: for tests and fuzzing.
    public init(bytes: [UInt8], encoding: TextEncoding = .utf8, delimitedByLinesOnly: Bool = false,
                maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) {
        input = .memory
        buffer = bytes
        atEOF = true
        chunkSize = 0
        linesOnly = delimitedByLinesOnly
        self.maxRecordBytes = maxRecordBytes
        decoder = FieldDecoder(encoding)
        skipByteOrderMark()
    }

    deinit {
        if case .handle(let handle, true) = input { try? handle.close() }
    }

    /// A UTF-8 byte-order mark is not part of the first column's name.
    private mutating func skipByteOrderMark() {
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// Drops what was consumed and reads the next chunk; false at the end of the input.
    private mutating func refill() -> Bool {
        guard !atEOF, case .handle(let handle, _) = input else { return false }
        if position > 0 {
            buffer.removeFirst(position)
            base += position
            position = 0
        }
        let data = (try? handle.read(upToCount: chunkSize)) ?? nil
        guard let data, !data.isEmpty else {
            atEOF = true
            return false
        }
        buffer.append(contentsOf: data)
        return true
    }

    /// The next record, or nil at the end. Blank lines are skipped (in a loop: a file of blank lines is
    /// no deeper to read than one line).
    public mutating func next() throws(CSVError) -> Record? {
        guard let (start, end) = try nextRaw(collecting: true) else { return nil }
        return decoded(startLine: start, endLine: end)
    }

    /// Reads to the end without decoding anything: how many records the file holds, or the error that makes it
    /// unreadable. The inbox runs this before committing a file's first batch, so a file that cannot be read
    /// whole is quarantined with nothing applied.
    public mutating func validateToEnd() throws(CSVError) -> Int {
        var count = 0
        while try nextRaw(collecting: false) != nil { count += 1 }
        return count
    }

    /// The next record's fingerprint and the hash of its (trimmed) field `idField`, without decoding the
    /// other fields; nil at the end. Two records with the same fingerprint have, with 128-bit certainty, the
    /// same fields and the same problem (the framed bytes, where each field ends, text after a closing quote,
    /// the record's length), so they parse alike under the same header and settings.
    public mutating func nextFingerprint(idField: Int) throws(CSVError) -> (line: Int, high: UInt64, low: UInt64, idHash: UInt32?)? {
        guard let (start, _) = try nextRaw(collecting: true) else { return nil }
        let (high, low, idHash) = fingerprintOfFramed(idField: idField)
        return (start, high, low, idHash)
    }

    /// The next record, decoded, with its fingerprint as `nextFingerprint` gives it (a first import's pass).
    public mutating func nextWithFingerprint(idField: Int) throws(CSVError) -> (record: Record, high: UInt64, low: UInt64, idHash: UInt32?)? {
        guard let (start, end) = try nextRaw(collecting: true) else { return nil }
        let record = decoded(startLine: start, endLine: end)
        let (high, low, idHash) = fingerprintOfFramed(idField: idField)
        return (record, high, low, idHash)
    }

    /// Hashes the framed record (and appends to `bytes`: decode before calling this).
    private mutating func fingerprintOfFramed(idField: Int) -> (high: UInt64, low: UInt64, idHash: UInt32?) {
        var idHash: UInt32?
        if idField < ends.count {
            let from = idField == 0 ? 0 : ends[idField - 1]
            let id: String? = bytes.withUnsafeBufferPointer { all in
                let field = UnsafeBufferPointer(rebasing: all[from..<ends[idField]])
                if !sawHigh && !sawNUL { return String(decoding: field, as: UTF8.self) }
                if case .text(let text) = decoder.decode(field) { return text }
                return nil
            }
            // Swift's per-process hash is enough here: the id hashes only find ids named twice within this run.
            if let id { idHash = UInt32(truncatingIfNeeded: id.trimmedSpaces.hashValue) }
        }
        // The field ends and the problems are hashed with the bytes (appended to them: the record is not decoded).
        let framed = bytes.count
        for end in ends { withUnsafeBytes(of: UInt32(truncatingIfNeeded: end).littleEndian) { bytes.append(contentsOf: $0) } }
        let flags = (UInt64(afterClosingQuote.map { $0 + 1 } ?? 0) << 1) | (tooLong ? 1 : 0)
        withUnsafeBytes(of: flags.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(recordBytes).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(framed).littleEndian) { bytes.append(contentsOf: $0) }
        let (high, low) = bytes.withUnsafeBytes { raw in
            (XXH64.hash(raw, seed: 0), XXH64.hash(raw, seed: 0x9E37_79B9_7F4A_7C15))
        }
        return (high, low, idHash)
    }

    /// Where reading stands between records: the offset after the last record's line break (bit 62: that break
    /// was a CR, so an LF right after it belongs to it) and the line the next record starts on.
    public var resumePoint: (offset: Int, line: Int) {
        (base + position | (skipLF ? 1 << 62 : 0), line)
    }

    /// Goes back or ahead to a `resumePoint` of the same input: the next record read is the one that followed it.
    public mutating func seek(to point: (offset: Int, line: Int)) throws {
        let offset = point.offset & ~(1 << 62)
        skipLF = point.offset & (1 << 62) != 0
        crInQuotes = false
        line = point.line
        switch input {
        case .memory:
            position = offset
        case .handle(let handle, _):
            // A re-import seeks ahead past runs of unchanged records, mostly to a point in the chunk already
            // read: moving within it saves reading the chunk again (a 1% change would re-read it per record).
            if offset >= base, offset <= base + buffer.count {
                position = offset - base
                return
            }
            try handle.seek(toOffset: UInt64(offset))
            buffer.removeAll(keepingCapacity: true)
            base = offset
            position = 0
            atEOF = false
        }
    }

    /// Frames the next record and drops it (its lines still count); false at the end.
    public mutating func skipRecord() throws(CSVError) -> (line: Int, endLine: Int)? {
        try nextRaw(collecting: false).map { (line: $0.start, endLine: $0.end) }
    }

    private mutating func resetRecord() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        sawHigh = false
        sawNUL = false
        afterClosingQuote = nil
        tooLong = false
        recordBytes = 0
    }

    /// Frames the next non-blank record into `bytes`/`ends`; returns its first line, or nil at the end.
    private mutating func nextRaw(collecting: Bool) throws(CSVError) -> (start: Int, end: Int)? {
        resetRecord()
        var state = State.fieldStart
        var startLine = line
        var sawAnything = false
        while true {
            if position >= buffer.count {
                guard refill() else { break }
            }
            let chunk = buffer
            var index = position
            var ended = false
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            chunk.withUnsafeBufferPointer { buf in
                let count = buf.count
                while index < count {
                    let byte = buf[index]
                    index += 1
                    if skipLF {
                        skipLF = false
                        if byte == lf { continue }
                    }
                    // Line breaks end a record unless inside quotes.
                    if byte == lf || byte == cr {
                        if state == .quoted {
                            // CRLF is one line break, a lone CR or LF one each.
                            if byte == cr || !crInQuotes { line += 1 }
                            crInQuotes = byte == cr
                            append(byte, collecting)
                            continue
                        }
                        line += 1
                        if byte == cr { skipLF = true }
                        if !sawAnything {
                            // A blank line: no record; the next one starts on the next line.
                            startLine = line
                            continue
                        }
                        closeField(collecting)
                        ended = true
                        return
                    }
                    sawAnything = true
                    crInQuotes = false
                    if linesOnly {
                        append(byte, collecting)
                        index = appendRun(buf, from: index, stoppingAt: cr, lf, cr, collecting)
                        continue
                    }
                    switch state {
                    case .fieldStart:
                        if byte == quote { state = .quoted }
                        else if byte == comma { closeField(collecting) }
                        else { state = .unquoted; append(byte, collecting) }
                    case .unquoted:
                        // A quote inside an unquoted field is taken literally, as Python's csv does.
                        if byte == comma { closeField(collecting); state = .fieldStart }
                        else { append(byte, collecting) }
                    case .quoted:
                        if byte == quote { state = .quoteInQuoted }
                        else { append(byte, collecting) }
                    case .quoteInQuoted:
                        if byte == quote { append(quote, collecting); state = .quoted }
                        else if byte == comma { closeField(collecting); state = .fieldStart }
                        else {
                            // `"ab"cd`: Python reads `abcd`; the record is reported, since the quoting was meant otherwise.
                            if afterClosingQuote == nil { afterClosingQuote = ends.count }
                            append(byte, collecting)
                            state = .unquoted
                        }
                    }
                    // The rest of a field's ordinary bytes in one step: byte by byte through the states above, this
                    // was a fifth of a re-import's time.
                    if state == .unquoted {
                        index = appendRun(buf, from: index, stoppingAt: comma, cr, lf, collecting)
                    } else if state == .quoted {
                        index = appendRun(buf, from: index, stoppingAt: quote, cr, lf, collecting)
                    }
                }
            }
            position = index
            if ended {
                return (startLine, line - 1)
            }
        }
        // The end of the input.
        if state == .quoted { throw .unterminatedQuote(line: startLine) }
        guard sawAnything else { return nil }
        closeField(collecting)
        return (startLine, line)
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8, _ collecting: Bool) {
        guard collecting else { return }
        recordBytes += 1
        if recordBytes > maxRecordBytes {
            tooLong = true
            return
        }
        if byte >= 0x80 { sawHigh = true } else if byte == 0 { sawNUL = true }
        bytes.append(byte)
    }

    /// Appends `buf[from...]` up to the first of three bytes (or the end), as `append` would byte by byte;
    /// returns where it stopped.
    @inline(__always)
    private mutating func appendRun(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, stoppingAt a: UInt8, _ b: UInt8, _ c: UInt8,
                                    _ collecting: Bool) -> Int {
        var end = start
        while end < buf.count {
            let byte = buf[end]
            if byte == a || byte == b || byte == c { break }
            end += 1
        }
        guard collecting, end > start else { return end }
        let room = max(0, maxRecordBytes - recordBytes)
        recordBytes += end - start
        if end - start > room { tooLong = true }
        let taken = UnsafeBufferPointer(rebasing: buf[start..<min(end, start + room)])
        if !sawHigh || !sawNUL {
            for byte in taken {
                if byte >= 0x80 { sawHigh = true } else if byte == 0 { sawNUL = true }
            }
        }
        bytes.append(contentsOf: taken)
        return end
    }

    @inline(__always)
    private mutating func closeField(_ collecting: Bool) {
        guard collecting else { return }
        ends.append(bytes.count)
    }

    /// Decodes the framed record; the first problem found is kept with it.
    private mutating func decoded(startLine: Int, endLine: Int) -> Record {
        var fields: [String] = []
        fields.reserveCapacity(ends.count)
        var problem: RecordProblem?
        if tooLong { problem = .tooLong(bytes: recordBytes) }
        else if let field = afterClosingQuote { problem = .textAfterClosingQuote(field: field) }
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            for (index, end) in ends.enumerated() {
                let field = UnsafeBufferPointer(rebasing: all[start..<end])
                start = end
                if !sawHigh && !sawNUL {
                    // The common case, ASCII only: valid in every supported encoding.
                    fields.append(String(decoding: field, as: UTF8.self))
                    continue
                }
                switch decoder.decode(field) {
                case .text(let text): fields.append(text)
                case .failure(let failure):
                    fields.append(FieldDecoder.visible(field))
                    if problem == nil {
                        switch failure {
                        case .nul: problem = .nul(field: index)
                        case .invalid: problem = .invalidEncoding(field: index, encoding: decoder.encoding)
                        case .otherEncoding: problem = .otherEncoding(field: index, encoding: decoder.encoding)
                        }
                    }
                }
            }
        }
        return Record(line: startLine, endLine: endLine, fields: fields, problem: problem)
    }
}

/// What is wrong with one record (the rest of the file is still read). Field numbers are 0-based positions.
public enum RecordProblem: Hashable, Sendable, CustomStringConvertible {
    /// Bytes that are not valid in the file's encoding.
    case invalidEncoding(field: Int, encoding: TextEncoding)
    /// Valid in another encoding than the file's: a UTF-8 line in a GB18030 file would be stored garbled.
    case otherEncoding(field: Int, encoding: TextEncoding)
    /// A NUL byte: text is stored whole or not at all, and NUL is never real text in an export.
    case nul(field: Int)
    case textAfterClosingQuote(field: Int)
    case tooLong(bytes: Int)
    /// A JSON Lines record that is not one JSON object.
    case notJSONObject(reason: String)

    public var field: Int? {
        switch self {
        case .invalidEncoding(let field, _), .otherEncoding(let field, _), .nul(let field), .textAfterClosingQuote(let field): field
        case .tooLong, .notJSONObject: nil
        }
    }

    public var description: String {
        switch self {
        case .invalidEncoding(_, let encoding):
            "bytes that are not valid \(encoding.displayName), the file's encoding (from its first megabyte): export the file in one encoding"
        case .otherEncoding(_, let encoding):
            "this line reads as UTF-8 but the file is \(encoding.displayName) (from its first megabyte): export the file in one encoding"
        case .nul:
            "a NUL byte in the value: Beckon never stores a value cut at a NUL or with it (remove it in the source system)"
        case .textAfterClosingQuote:
            "text after a closing quote: quote the whole field and double the quotes inside it"
        case .tooLong(let bytes):
            "the record is \(bytes) bytes long, more than the limit (16 MiB): a quote opened by mistake?"
        case .notJSONObject(let reason):
            "not a JSON object (\(reason))"
        }
    }
}

public enum CSVError: Error, Equatable, CustomStringConvertible {
    case unterminatedQuote(line: Int)

    public var description: String {
        switch self {
        case .unterminatedQuote(let line):
            return "line \(line): a quoted field is never closed, so the rest of the file cannot be read as records (nothing was imported)"
        }
    }
}
