import Crypto
import Foundation
import Testing

/// One local day of `outbox/receipts/`, read as the ERP side reads it: every receipt CSV parsed (RFC 4180),
/// and `summary.json` beside them, so a test can hold the two against each other and against the store.
struct ReceiptDay {
    struct Row: Hashable {
        var fields: [String: String]
        var key: String { fields["key"] ?? "" }
        var status: String { fields["status"] ?? "" }
        var campaign: String { fields["campaign"] ?? "" }
        var variant: String { fields["variant"] ?? "" }
    }

    let folder: URL
    /// Rows of every `receipts-*.csv`, file by file in name order.
    var rows: [Row] = []
    /// File name -> SHA-256 (hex) of the bytes on disk.
    var hashes: [String: String] = [:]
    var summary: [String: Any] = [:]

    init(folder: URL) throws {
        self.folder = folder
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names where name.hasPrefix("receipts-") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            hashes[name] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            guard name.hasSuffix(".csv") else { continue }
            let records = Self.records(String(decoding: data, as: UTF8.self))
            guard let header = records.first else { continue }
            for record in records.dropFirst() { rows.append(Row(fields: Dictionary(zip(header, record), uniquingKeysWith: { first, _ in first }))) }
        }
        if let data = FileManager.default.contents(atPath: folder.appendingPathComponent("summary.json").path) {
            summary = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
    }

    /// RFC 4180: CRLF-separated records, quoted fields with doubled quotes.
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\r\n", "\n":
                record.append(field); field = ""
                records.append(record); record = []
            default: field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    /// Counts of the CSV rows as summary.json counts them: per status, and per campaign, variant ("-" when
    /// empty) and status.
    var rowTotals: [String: Int] { rows.reduce(into: [:]) { $0[$1.status, default: 0] += 1 } }
    var rowCampaigns: [String: [String: [String: Int]]] {
        rows.reduce(into: [:]) { $0[$1.campaign, default: [:]][$1.variant.isEmpty ? "-" : $1.variant, default: [:]][$1.status, default: 0] += 1 }
    }

    /// Records an issue for each way summary.json disagrees with the receipt files beside it.
    func expectConsistent(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(summary["totals"] as? [String: Int] == rowTotals, "summary totals vs the rows of \(folder.lastPathComponent)",
                sourceLocation: sourceLocation)
        let campaigns = (summary["campaigns"] as? [String: [String: [String: Int]]]) ?? [:]
        #expect(campaigns == rowCampaigns, "summary campaigns vs the rows", sourceLocation: sourceLocation)
        let listed = (summary["files"] as? [[String: String]] ?? []).reduce(into: [String: String]()) { $0[$1["name"] ?? ""] = $1["sha256"] }
        #expect(listed == hashes, "summary file hashes vs the files on disk", sourceLocation: sourceLocation)
    }
}
