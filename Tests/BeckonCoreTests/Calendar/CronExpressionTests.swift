import BeckonCore
import Foundation
import PropertyBased
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    let newYork = TimeZone(identifier: "America/New_York")!
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func at(_ text: String) -> Date { ISOInstant.parse(text, defaultZone: .gmt)! }
    func next(_ expression: String, _ from: String, _ count: Int, _ zone: TimeZone) throws -> [String] {
        try CronExpression(expression).next(after: at(from), count: count, in: zone).map { ISOInstant.format($0, in: zone) }
    }

    @Test("fields, names, lists, ranges, steps and aliases", arguments: [
        ("0 9 * * MON-FRI", "2026-11-27T10:00:00+08:00", ["2026-11-30T09:00:00+08:00", "2026-12-01T09:00:00+08:00"]),
        ("*/20 9 * * *", "2026-11-24T09:10:00+08:00", ["2026-11-24T09:20:00+08:00", "2026-11-24T09:40:00+08:00"]),
        ("10-50/20 9 1 JAN,jul *", "2026-06-01T00:00:00+08:00", ["2026-07-01T09:10:00+08:00", "2026-07-01T09:30:00+08:00"]),
        ("@monthly", "2026-11-24T00:00:00+08:00", ["2026-12-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"]),
        ("@weekly", "2026-11-24T00:00:00+08:00", ["2026-11-29T00:00:00+08:00", "2026-12-06T00:00:00+08:00"]),
        ("0 0 29 2 *", "2026-01-01T00:00:00+08:00", ["2028-02-29T00:00:00+08:00", "2032-02-29T00:00:00+08:00"]),
        ("0 10 L * *", "2026-01-31T10:00:00+08:00", ["2026-02-28T10:00:00+08:00", "2026-03-31T10:00:00+08:00"]),
        ("0 10 * * 5L", "2026-11-01T00:00:00+08:00", ["2026-11-27T10:00:00+08:00", "2026-12-25T10:00:00+08:00"]),
        ("0 10 * * 5#3", "2026-11-01T00:00:00+08:00", ["2026-11-20T10:00:00+08:00", "2026-12-18T10:00:00+08:00"]),
        ("0 8 1 * 7", "2026-11-24T00:00:00+08:00", ["2026-11-29T08:00:00+08:00", "2026-12-01T08:00:00+08:00"]),
    ])
    func table(expression: String, from: String, expected: [String]) throws {
        #expect(try next(expression, from, expected.count, shanghai) == expected)
    }

    @Test("Vixie cron: with both day fields restricted, either matches")
    func eitherDayMatches() throws {
        // The 13th, or any Friday.
        #expect(try next("0 12 13 * FRI", "2026-11-10T00:00:00+08:00", 3, shanghai)
                == ["2026-11-13T12:00:00+08:00", "2026-11-20T12:00:00+08:00", "2026-11-27T12:00:00+08:00"])
    }

    @Test("spring forward: a missing local time fires once, right after the jump", arguments: [
        ("America/New_York", "30 2 * * *", "2026-03-07T12:00:00-05:00", ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        ("Europe/Berlin", "*/30 2 * * *", "2026-03-28T12:00:00+01:00", ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"]),
    ])
    func springForward(zone: String, expression: String, from: String, expected: [String]) throws {
        #expect(try next(expression, from, expected.count, TimeZone(identifier: zone)!) == expected)
    }

    @Test("fall back: a repeated local time fires once, at its first occurrence", arguments: [
        ("America/New_York", "30 1 * * *", "2026-10-31T12:00:00-04:00", ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]),
        ("Europe/Berlin", "15 2 * * *", "2026-10-24T12:00:00+02:00", ["2026-10-25T02:15:00+02:00", "2026-10-26T02:15:00+01:00"]),
    ])
    func fallBack(zone: String, expression: String, from: String, expected: [String]) throws {
        #expect(try next(expression, from, expected.count, TimeZone(identifier: zone)!) == expected)
    }

    @Test("malformed expressions name the field", arguments: [
        ("61 * * * *", "minute"), ("* 24 * * *", "hour"), ("* * 0 * *", "day-of-month"), ("* * * 13 *", "month"),
        ("* * * * 8", "day-of-week"), ("* * * *", "expression"), ("*/0 * * * *", "minute"), ("* * * FOO *", "month"),
        ("* * * * 5#6", "day-of-week"), ("5-1 * * * *", "minute"),
    ])
    func malformed(expression: String, field: String) {
        #expect(throws: CronError.self) { try CronExpression(expression) }
        do { _ = try CronExpression(expression) } catch { #expect(error.field == field) }
    }

    static let fields: [[String]] = [
        ["0", "*/15", "5,35", "0-10/5", "59"], ["*", "0", "9-17", "*/6", "23"], ["*", "1", "15", "L", "1-7", "29,30,31"],
        ["*", "2", "JAN-MAR", "*/4", "12"], ["*", "MON-FRI", "0", "5L", "1#2", "SAT,SUN"],
    ]

    @Test("next and previous agree over random expressions, instants and zones")
    func nextAndPreviousAgree() async {
        let zones = [shanghai, newYork, berlin]
        await propertyCheck(count: 150, input: Gen.int(in: 0...4).array(of: 5), Gen.int(in: 0...(86_400 * 366 * 6)), Gen.int(in: 0...2)) { picks, offset, zoneIndex in
            let text = zip(Self.fields, picks).map { options, pick in options[pick % options.count] }.joined(separator: " ")
            let expression = try! CronExpression(text)
            let zone = zones[zoneIndex]
            let start = Date(timeIntervalSince1970: 1_767_225_600 + Double(offset))
            guard let next = expression.next(after: start, count: 1, in: zone).first else { return }
            let previous = expression.previous(before: next, in: zone)
            // No fire lies strictly between `start` and `next`, and stepping forward from the previous one finds `next`.
            #expect(previous == nil || previous! <= start, "\(text) in \(zone.identifier) from \(start)")
            if let previous { #expect(expression.next(after: previous, count: 1, in: zone).first == next, "\(text)") }
        }
    }
}

@Suite("Cron expressions against an independent implementation")
struct CronAgainstCroniterTests {
    /// Rows of `Fixtures/cron/random-cron.tsv`: 600 random expressions (steps in every field, starred steps,
    /// ranges, lists, names) with the next six fire times that croniter computed (see `generate.py` there).
    static let rows: [[String]] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cron/random-cron.tsv")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
    }()

    @Test("600 random expressions fire when croniter says they do")
    func agreesWithCroniter() throws {
        #expect(Self.rows.count == 600)
        var disagreements: [String] = []
        for row in Self.rows {
            let (expression, start, expected) = (row[0], row[1], Array(row[2...]))
            let fires = try CronExpression(expression).next(after: ISOInstant.parse(start, defaultZone: .gmt)!, count: expected.count, in: .gmt)
            let formatted = fires.map { ISOInstant.format($0, in: .gmt).replacingOccurrences(of: "+00:00", with: "Z") }
            if formatted != expected { disagreements.append("\(expression) after \(start): \(formatted) != \(expected)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5).joined(separator: "\n"))")
    }

    @Test("a starred step in the day of month fires on those days only", arguments: [
        ("30 10 */10 * *", ["2026-12-01", "2026-12-11", "2026-12-21", "2026-12-31", "2027-01-01"]),
        ("0 9 */15 */6 *", ["2027-01-01", "2027-01-16", "2027-01-31", "2027-07-01", "2027-07-16"]),
        ("0 9 */10 * MON", ["2026-12-21", "2027-01-11", "2027-02-01", "2027-03-01", "2027-05-31"]),
    ])
    func starredDayOfMonth(expression: String, days: [String]) throws {
        let fires = try CronExpression(expression).next(after: ISOInstant.parse("2026-11-30T23:00:00Z", defaultZone: .gmt)!,
                                                        count: days.count, in: .gmt)
        #expect(fires.map { LocalDate($0, in: .gmt).description } == days)
    }
}
