import Foundation
import Testing

@Suite("beckon calendar: a stable contract for scripts")
struct CalendarCommandTests {
    @Test("next --cron prints N instants with offsets, strictly after --from")
    func nextCron() throws {
        let result = try BeckonBinary.run(["calendar", "next", "--cron", "0 9 * * *", "--from", "2026-11-26T09:00:00+08:00",
                                           "--count", "2", "--tz", "Asia/Shanghai"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "2026-11-27T09:00:00+08:00\n2026-11-28T09:00:00+08:00\n")
    }

    @Test("a malformed expression exits 2 naming the field")
    func malformed() throws {
        let result = try BeckonBinary.run(["calendar", "next", "--cron", "0 25 * * *", "--from", "2026-11-24T00:00:00+08:00", "--count", "1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("hour field"))
    }

    @Test("next --rule evaluates a campaign trigger for a sample customer")
    func nextRule() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rule-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("trigger:\n  kind: birthday\n  offset_days: -1\n".utf8).write(to: file)
        let result = try BeckonBinary.run(["calendar", "next", "--rule", file.path, "--from", "2026-11-24T00:00:00+08:00", "--count", "2",
                                           "--tz", "Asia/Shanghai", "--field", "birthday=1990-03-05"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "2027-03-04T00:00:00+08:00\n2028-03-04T00:00:00+08:00\n")
    }

    @Test("to-lunar and to-solar are inverses, with L for leap months")
    func lunar() throws {
        #expect(try BeckonBinary.run(["calendar", "to-lunar", "2023-04-05"]).stdout == "2023-L02-15\n")
        #expect(try BeckonBinary.run(["calendar", "to-solar", "2023-L02-15"]).stdout == "2023-04-05\n")
        let missing = try BeckonBinary.run(["calendar", "to-solar", "2024-L02-01"])
        #expect(missing.status == 2)
    }

    @Test("holidays and workday use the shipped calendars")
    func holidaysAndWorkdays() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = root.appendingPathComponent("etc/beckon.yaml").path
        let holidays = try BeckonBinary.run(["calendar", "holidays", "2026", "--config", config])
        #expect(holidays.stdout.contains("2026-02-17\tspring_festival\t春节\n"))
        #expect(holidays.stdout.contains("2026-04-05\tqingming\t清明节\n"))
        #expect(try BeckonBinary.run(["calendar", "workday", "2026-02-14", "--config", config]).stdout == "workday\n")
        #expect(try BeckonBinary.run(["calendar", "workday", "2026-02-16", "--config", config]).stdout == "restday\n")
    }
}
