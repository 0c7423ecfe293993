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
        _ = try reader.nextFingerprint(idField: idField) // the header
        var high: [UInt64] = [], low: [UInt64] = [], ids: [UInt32] = [], hasID: [Bool] = []
        while let record = try reader.nextFingerprint(idField: idField) {
            high.append(record.high)
            low.append(record.low)
            ids.append(record.idHash ?? 0)
            hasID.append(record.idHash != nil)
        }
        // Ids named more than once (or colliding in 32 bits: then parsed needlessly, never wrongly).
        var sorted = ids.indices.filter { hasID[$0] }.map { ids[$0] }
        sorted.sort()
        var repeated = Set<UInt32>()
        for index in sorted.indices.dropFirst() where sorted[index] == sorted[index - 1] { repeated.insert(sorted[index]) }
        sorted = []
        let eligible = ids.indices.map { hasID[$0] && !repeated.contains(ids[$0]) }
        var skips = RecordSkips(context: context, high: high, low: low, eligible: eligible,
                                skip: Array(repeating: false, count: high.count), rejected: Array(repeating: false, count: high.count))
        guard let previous = try store.importFingerprints(context: context), previous.count > 0 else { return skips }
        let changed = Set(try store.customerIDsChanged(after: previous.throughChange).map { UInt32(truncatingIfNeeded: $0.hashValue) })
        for index in 0..<skips.count where eligible[index] && !changed.contains(ids[index])
            && previous.contains(high: high[index], low: low[index]) {
            skips.skip[index] = true
            skips.skipped += 1
        }
        return skips
    }

    func shouldSkip(_ ordinal: Int) -> Bool { ordinal < skip.count && skip[ordinal] }

    mutating func markRejected(_ ordinal: Int) { if ordinal < rejected.count { rejected[ordinal] = true } }

    /// The set the next file of this context may skip against: accepted records of ids named once, sorted.
    func nextSet() -> ImportFingerprints {
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
