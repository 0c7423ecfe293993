import ArgumentParser
import BeckonConfig
import BeckonCore
import Foundation

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Checks calendar rules: next fire times, lunar dates, holidays, working days.",
        discussion: "Output formats are stable: scripts and checks rely on them.",
        subcommands: [Next.self, ToLunar.self, ToSolar.self, Holidays.self, Workday.self]
    )

    /// Exit code 2 with a message, for malformed input (as argument-parser does for usage errors).
    static func fail(_ message: String) -> Error {
        FileHandle.standardError.write(Data("beckon: \(message)\n".utf8))
        return ExitCode(2)
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prints the next N fire instants of a cron expression or a campaign trigger.",
            discussion: """
                One instant per line, ISO 8601 with offset, strictly after --from. For --rule, the file holds
                a trigger as written in a campaign (the trigger mapping itself, or a whole campaign file); the
                rule is evaluated for a sample customer whose fields come from --field NAME=VALUE.

                Examples:
                  beckon calendar next --cron "0 9 * * MON-FRI" --from 2026-11-24T00:00:00+08:00 --count 3
                  beckon calendar next --cron "0 9 5#3 * *" --from 2026-11-24 --count 2 --tz America/New_York
                  beckon calendar next --rule payday.yaml --from 2026-11-24 --count 12
                """
        )
        @OptionGroup var options: ConfigOptions
        @Option(help: "A 5-field cron expression.") var cron: String?
        @Option(help: "A YAML file with a trigger.") var rule: String?
        @Option(help: "Start (exclusive), ISO 8601.") var from: String
        @Option(help: "How many instants.") var count: Int = 10
        @Option(help: "IANA time zone (default: the configured one).") var tz: String?
        @Option(name: .customLong("field"), help: "A sample customer field for --rule, NAME=VALUE (birthday=1990-03-05).")
        var fields: [String] = []

        func run() throws {
            let context = (try? options.load()).map { ($0.calendar, $0.timeZone) }
            let calendar = context?.0 ?? (try? CalendarLoader.load(directory: URL(fileURLWithPath: "etc/calendars"))) ?? CalendarContext()
            guard let zone = tz.map({ TimeZone(identifier: $0) }) ?? context?.1 ?? TimeZone(identifier: "Asia/Shanghai") else {
                throw CalendarCommand.fail("--tz '\(tz ?? "")' is not an IANA time zone")
            }
            guard let start = ISOInstant.parse(from, defaultZone: zone) else { throw CalendarCommand.fail("--from '\(from)' is not ISO 8601") }
            guard count > 0 else { throw CalendarCommand.fail("--count must be at least 1") }
            let instants: [Date]
            switch (cron, rule) {
            case (let cron?, nil):
                do { instants = try CronExpression(cron).next(after: start, count: count, in: zone) } catch {
                    throw CalendarCommand.fail("\(error)")
                }
            case (nil, let rule?):
                instants = try fromRule(rule, start: start, zone: zone, calendar: calendar)
            default:
                throw CalendarCommand.fail("give exactly one of --cron or --rule")
            }
            for instant in instants { print(ISOInstant.format(instant, in: zone)) }
        }

        func fromRule(_ path: String, start: Date, zone: TimeZone, calendar: CalendarContext) throws -> [Date] {
            let trigger: Trigger
            do {
                let root = try ConfigNode.load(contentsOf: URL(fileURLWithPath: path))
                trigger = try (root.optional("trigger") ?? root).trigger()
            } catch let error as ConfigError {
                throw CalendarCommand.fail("\(error)")
            }
            var customer = Customer(id: "sample", name: "sample", phone: "+8613800138000", timeZone: zone.identifier)
            for field in fields {
                let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw CalendarCommand.fail("--field '\(field)' must be NAME=VALUE") }
                switch parts[0] {
                case "birthday": customer.birthday = LocalDate(iso: parts[1])
                case "birthday_lunar": customer.birthdayIsLunar = parts[1] == "true"
                case "last_order_at": customer.lastOrderAt = ISOInstant.parse(parts[1], defaultZone: zone)
                default: customer.attributes[parts[0]] = parts[1]
                }
            }
            // Walk forward a year at a time until enough occurrences are found (at most 20 years).
            var found: [Date] = []
            var from = start
            for _ in 0..<20 where found.count < count {
                let window = DateInterval(start: from, end: from.addingTimeInterval(366 * 86_400))
                let occurrences = trigger.rule.occurrences(for: customer, in: window, timeZone: zone, context: calendar)
                    .map(\.instant).filter { $0 > start && !found.contains($0) }.sorted()
                found += occurrences
                from = window.end
            }
            return Array(found.prefix(count))
        }
    }

    struct ToLunar: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "to-lunar", abstract: "Prints the lunar date of a solar date: YYYY-MM-DD, L before a leap month.",
            discussion: "Example:  beckon calendar to-lunar 2023-04-05   ->  2023-L02-15")
        @Argument(help: "YYYY-MM-DD") var date: String
        func run() throws {
            guard let solar = LocalDate(iso: date) else { throw CalendarCommand.fail("'\(date)' is not YYYY-MM-DD") }
            guard let lunar = LunarCalendar.shared.lunar(solar) else { throw CalendarCommand.fail("\(date) is outside 1900-2100") }
            print(lunar)
        }
    }

    struct ToSolar: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "to-solar", abstract: "Prints the solar date of a lunar date (YYYY-[L]MM-DD).",
            discussion: "Example:  beckon calendar to-solar 2023-L02-15   ->  2023-04-05")
        @Argument(help: "YYYY-MM-DD or YYYY-LMM-DD") var date: String
        func run() throws {
            guard let lunar = LunarDate(parsing: date) else { throw CalendarCommand.fail("'\(date)' is not YYYY-[L]MM-DD") }
            guard let solar = LunarCalendar.shared.solar(lunar) else {
                throw CalendarCommand.fail("\(date) does not exist (no such leap month that year, or a 30th in a 29-day month)")
            }
            print(solar)
        }
    }

    struct Holidays: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prints YYYY-MM-DD<TAB>key<TAB>name for every built-in and user holiday of a year.",
            discussion: "Example:  beckon calendar holidays 2026")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The year.") var year: Int
        func run() throws {
            let calendar = try loadCalendar(options)
            for holiday in calendar.holidays.holidays(in: year) { print("\(holiday.date)\t\(holiday.key)\t\(holiday.name)") }
        }
    }

    struct Workday: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prints workday or restday for a date, from the official schedule in etc/calendars/.",
            discussion: "Example:  beckon calendar workday 2026-02-14   ->  workday (a make-up working Saturday)")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "YYYY-MM-DD") var date: String
        func run() throws {
            guard let day = LocalDate(iso: date) else { throw CalendarCommand.fail("'\(date)' is not YYYY-MM-DD") }
            let calendar = try loadCalendar(options)
            if !calendar.workingDays.isCovered(day.year) {
                FileHandle.standardError.write(Data("beckon: warning: no official schedule for \(day.year) in etc/calendars; weekends only\n".utf8))
            }
            print(calendar.workingDays.isWorkingDay(day) ? "workday" : "restday")
        }
    }
}

/// The calendars of the configuration, or of `etc/calendars/` beside it when the configuration is absent.
func loadCalendar(_ options: ConfigOptions) throws -> CalendarContext {
    let file = URL(fileURLWithPath: options.config)
    if FileManager.default.fileExists(atPath: file.path) { return try options.load().calendar }
    do { return try CalendarLoader.load(directory: file.deletingLastPathComponent().appendingPathComponent("calendars")) } catch let error as ConfigError {
        throw CalendarCommand.fail("\(error)")
    }
}
