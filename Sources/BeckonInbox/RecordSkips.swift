import BeckonCore
import BeckonStore
import Crypto
import Foundation

/// Which records of a customer CSV file a re-import need not parse, decided before its first batch.
///
/// Every record gets a 128-bit fingerprint (two XXH64 of its framed bytes, see `CSVReader.nextFingerprint`).
/// The previous file imported under the same `context` left the sorted fingerprints of its accepted records
/// whose customer id it named once (`ImportFingerprints`). A record is skipped only if its fingerprint is in that
/// set, its id occurs once in this file, and its customer's row has not changed since that import finished (no
/// change number above `throughChange`: another file, a reactivation or a snapshot's deactivation takes one).
/// Then the full parse would find the stored row equal to the record and write nothing (see `upsert`), so
/// skipping it leaves exactly the store a full parse leaves. Everything else is parsed as before.
struct RecordSkips {
    let context: String
    /// Per record (0: the first after the header): its fingerprint.
    var high: [UInt64]
    var low: [UInt64]
    /// May enter the next set if accepted: its id was readable and named by no other record of the file.
    var eligible: [Bool]
    var skip: [Bool]
    /// Set while importing: records rejected by the parser (never in the next set).
    var rejected: [Bool]
    var skipped = 0
    /// With a previous set: where each record ends (`CSVReader.resumePoint`), so the import pass seeks past
    /// skipped records instead of framing them again.
    var resumeOffsets: [Int] = []
    var resumeLines: [Int32] = []
    /// Without a previous set nothing is skipped, and the fingerprints are taken in the import pass itself
    /// (`record`), so a first import reads the file no more often than before: the id column to hash, and the
    /// ids' hashes until the end decides which records name a customer once.
    let idField: Int
    var collecting = false
    private var ids: [UInt32] = []
    private var hasID: [Bool] = []

    var count: Int { high.count }

    /// What decides how a record parses besides its bytes: any change re-parses everything.
    static func context(kind: InboxFileKind, header: [String], settings: InboxSettings, encoding: TextEncoding, zone: TimeZone) -> String {
        var text = "beckon import fingerprints v1\n\(kind.rawValue)\n\(header.joined(separator: "\u{1F}"))\n"
        text += settings.aliases.sorted { $0.key < $1.key }.map { "\($0.key)\u{1F}\($0.value)" }.joined(separator: "\u{1E}") + "\n"
        text += "\(encoding.rawValue)\n\(zone.identifier)\n\(CSVReader.defaultMaxRecordBytes)\n"
        return SHA256.hash(data: Data(text.utf8)).hexString
    }

    /// Reads the whole file once (this also frames every record: an unclosed quote throws here).
    static func scan(_ reader: inout CSVReader, idField: Int, context: String, store: any ImportJournal) throws -> RecordSkips {
        let previous = try store.importFingerprints(context: context)
        let seeks = (previous?.count ?? 0) > 0
        guard seeks else {
            _ = try reader.validateToEnd()
            var skips = RecordSkips(context: context, high: [], low: [], eligible: [], skip: [], rejected: [], idField: idField)
            skips.collecting = true
            return skips
        }
        _ = try reader.nextFingerprint(idField: idField) // the header
        var high: [UInt64] = [], low: [UInt64] = [], ids: [UInt32] = [], hasID: [Bool] = []
        var offsets: [Int] = [], lines: [Int32] = []
        while let record = try reader.nextFingerprint(idField: idField) {
            high.append(record.high)
            low.append(record.low)
            ids.append(record.idHash ?? 0)
            hasID.append(record.idHash != nil)
            if seeks {
                let point = reader.resumePoint
                offsets.append(point.offset)
                lines.append(Int32(truncatingIfNeeded: point.line))
            }
        }
        let repeated = repeatedIDs(ids, hasID)
        let eligible = ids.indices.map { hasID[$0] && !repeated.contains(ids[$0]) }
        var skips = RecordSkips(context: context, high: high, low: low, eligible: eligible,
                                skip: Array(repeating: false, count: high.count), rejected: Array(repeating: false, count: high.count),
                                idField: idField)
        // (Line numbers are kept in 32 bits: a file of more lines parses every record.)
        guard let previous, seeks, reader.resumePoint.line < Int(Int32.max) else { return skips }
        skips.resumeOffsets = offsets
        skips.resumeLines = lines
        let changed = Set(try store.customerIDsChanged(after: previous.throughChange).map { UInt32(truncatingIfNeeded: $0.hashValue) })
        for index in 0..<skips.count where eligible[index] && !changed.contains(ids[index])
            && previous.contains(high: high[index], low: low[index]) {
            skips.skip[index] = true
            skips.skipped += 1
        }
        return skips
    }

    func shouldSkip(_ ordinal: Int) -> Bool { ordinal < skip.count && skip[ordinal] }

    /// Where record `ordinal` ends, if known.
    func resumePoint(after ordinal: Int) -> (offset: Int, line: Int)? {
        guard ordinal >= 0, ordinal < resumeOffsets.count else { return nil }
        return (resumeOffsets[ordinal], Int(resumeLines[ordinal]))
    }

    mutating func markRejected(_ ordinal: Int) { if ordinal < rejected.count { rejected[ordinal] = true } }

    /// A first import's record, in order (`collecting`).
    mutating func record(high: UInt64, low: UInt64, idHash: UInt32?) {
        self.high.append(high)
        self.low.append(low)
        ids.append(idHash ?? 0)
        hasID.append(idHash != nil)
        rejected.append(false)
    }

    /// Ids named more than once (or colliding in 32 bits: then parsed needlessly, never wrongly).
    static func repeatedIDs(_ ids: [UInt32], _ hasID: [Bool]) -> Set<UInt32> {
        var sorted = ids.indices.filter { hasID[$0] }.map { ids[$0] }
        sorted.sort()
        var repeated = Set<UInt32>()
        for index in sorted.indices.dropFirst() where sorted[index] == sorted[index - 1] { repeated.insert(sorted[index]) }
        return repeated
    }

    /// The set the next file of this context may skip against: accepted records of ids named once, sorted.
    func nextSet() -> ImportFingerprints {
        var eligible = self.eligible
        if collecting {
            let repeated = Self.repeatedIDs(ids, hasID)
            eligible = ids.indices.map { hasID[$0] && !repeated.contains(ids[$0]) }
        }
        var kept: [(UInt64, UInt64)] = []
        kept.reserveCapacity(count)
        for index in 0..<count where eligible[index] && !rejected[index] { kept.append((high[index], low[index])) }
        kept.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var values: [UInt64] = []
        values.reserveCapacity(kept.count * 2)
        for (h, l) in kept { values.append(h); values.append(l) }
        return ImportFingerprints(context: context, values: values)
    }
}
