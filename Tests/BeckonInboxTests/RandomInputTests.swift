import BeckonCore
import Foundation
import Testing
@testable import BeckonInbox

/// No input crashes the reader or the row parser: thousands of mutations of valid files (random bytes, quotes,
/// NULs, CR/LF mixes, huge lines, other encodings), seeded so a failure can be replayed from its seed.
@Suite("Inbox: seeded random input")
struct RandomInputTests {
    static let seeds: ClosedRange<UInt64> = 1...4_000

    static func validFile(_ random: inout SeededRandom) -> (name: String, bytes: [UInt8]) {
        let names = ["王芳", "Smith, Ann", "李\"雷\"", "O'Brien", "张伟", "=HYPERLINK(1)", "", " x "]
        let jsonLines = random.next() % 5 == 0
        var text = ""
        let rows = Int(random.next() % 12)
        if jsonLines {
            for i in 0..<rows {
                text += "{\"customer_id\":\"C\(i)\",\"name\":\"\(JSONString.escaped(names[i % names.count]))\",\"phone\":\"1380013\(String(format: "%04d", i))\",\"vip\":\(i % 2 == 0)}\n"
            }
            return ("members.jsonl", Array(text.utf8))
        }
        let kind = random.next() % 4
        switch kind {
        case 0: text = "phone,reply\n" + (0..<rows).map { "1380013\(String(format: "%04d", $0)),\(["TD", "退订", "please stop", "hi"][$0 % 4])\n" }.joined()
        case 1: text = "customer_id,event,at,product\n" + (0..<rows).map { "C\($0),purchase,2026-11-24 10:0\($0 % 10),\"羊绒, 围巾\"\n" }.joined()
        default:
            text = "customer_id,name,phone,birthday,tags,city\n"
            for i in 0..<rows {
                let name = names[i % names.count]
                let quoted = name.contains(",") || name.contains("\"") ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
                text += "C\(i),\(quoted),+86 138-0013-\(String(format: "%04d", i)),1990/3/\(i % 28 + 1),vip;new,上海\n"
            }
        }
        let bytes = Array(text.utf8)
        return (["members.csv", "optout-1.csv", "events-1.csv", "data.csv"][Int(kind)], random.next() % 6 == 0 ? gb18030(text) : bytes)
    }

    static func mutate(_ input: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        let count = Int(random.next() % 6)
        for _ in 0..<count {
            let at = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 9 {
            case 0: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 1: bytes.insert(UInt8(ascii: "\""), at: at)
            case 2: bytes.insert(0, at: at)
            case 3: bytes.insert(contentsOf: [[13], [10], [13, 10], [10, 13]][Int(random.next() % 4)], at: at)
            case 4: bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "x"), count: Int(random.next() % 12_000)), at: at)
            case 5: bytes.insert(contentsOf: gb18030("张伟"), at: at)
            case 6: bytes.insert(contentsOf: Array("张伟".utf8), at: at)
            case 7: if !bytes.isEmpty { bytes.remove(at: min(at, bytes.count - 1)) }
            default: bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "\n"), count: Int(random.next() % 2_000)), at: at)
            }
        }
        return bytes
    }

    @Test("4,000 mutated files: no crash, every record accounted for, nothing stored with NUL or U+FFFD")
    func mutations() throws {
        var accepted = 0, rejected = 0, unreadable = 0
        for seed in Self.seeds {
            var random = SeededRandom(seed: seed)
            let (name, valid) = Self.validFile(&random)
            let bytes = Self.mutate(valid, &random)
            // The reader alone, in both encodings and both framings: lines only go up, and it always ends.
            for encoding in [TextEncoding.utf8, .gb18030] {
                for lines in [false, true] {
                    var reader = CSVReader(bytes: bytes, encoding: encoding, delimitedByLinesOnly: lines, maxRecordBytes: 8 << 10)
                    var last = 0
                    do {
                        while let record = try reader.next() {
                            #expect(record.line > last && record.endLine >= record.line, "seed \(seed)")
                            last = record.endLine
                            if record.problem == nil {
                                #expect(!record.fields.contains { $0.utf8.contains(0) }, "seed \(seed)")
                            }
                        }
                    } catch {}
                }
            }
            // The whole read path, as the inbox runs it before committing.
            do {
                let parsed = try InboxRows.parse(bytes: bytes, name: name)
                accepted += parsed.accepted
                rejected += parsed.errors.count
                let hadReplacement = bytes.indices.dropLast(2).contains { bytes[$0] == 0xEF && bytes[$0 + 1] == 0xBF && bytes[$0 + 2] == 0xBD }
                for customer in parsed.customers {
                    let values = [customer.id, customer.name, customer.phone] + customer.attributes.values
                    #expect(!values.contains { $0.utf8.contains(0) }, "seed \(seed): a NUL stored")
                    #expect(hadReplacement || !values.contains { $0.contains("\u{FFFD}") }, "seed \(seed): U+FFFD stored")
                }
                for error in parsed.errors { #expect(error.line >= 1, "seed \(seed)") }
            } catch is UnreadableFile {
                unreadable += 1
            }
        }
        // The mutations must exercise every outcome, or the test proves little.
        #expect(accepted > 1_000 && rejected > 1_000 && unreadable > 50, "accepted \(accepted), rejected \(rejected), unreadable \(unreadable)")
    }
}
