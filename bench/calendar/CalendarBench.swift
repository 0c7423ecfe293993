// Calendar benchmark: evaluate every campaign's trigger for 1,000,000 customers over one day (what the
// daemon does each tick) and report the time. Run through bench/calendar/run.sh, which compares it with
// a plain SQLite scan of the same customers' birthdays.
import BeckonCore
import Foundation

@main
struct CalendarBench {
    static func main() throws {

        let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
        let csvPath = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : nil
        let zone = TimeZone(identifier: "Asia/Shanghai")!

        // Deterministic synthetic customers (SplitMix64): birthdays over 60 years, 10% lunar, a card expiry and a last order.
        var state: UInt64 = 42
        func random(_ upper: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(upper))
        }
        let base = LocalDate(year: 1960, month: 1, day: 1)!.dayNumber
        let customers: [Customer] = (0..<count).map { i in
            let birthday = LocalDate(dayNumber: base + random(365 * 45))
            return Customer(id: "C\(i)", name: "n", phone: "+86138\(String(format: "%08d", i))", birthday: birthday,
                            birthdayIsLunar: random(10) == 0, timeZone: nil,
                            attributes: ["card_expires_on": LocalDate(dayNumber: LocalDate(year: 2026, month: 1, day: 1)!.dayNumber + random(730)).description],
                            lastOrderAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(random(60_000_000))))
        }
        if let csvPath {
            var text = "id,birthday\n"
            for c in customers { text += "\(c.id),\(c.birthday!)\n" }
            try Data(text.utf8).write(to: URL(fileURLWithPath: csvPath))
        }

        let rules: [(String, any TriggerRule)] = [
            ("birthday", BirthdayRule()),
            ("pre-expiry", DateOffsetRule(field: "card_expires_on", offsets: [-3])),
            ("recall waves", DateOffsetRule(field: "last_order_at", baseOffsetDays: 90, offsets: [7, 15, 30])),
            ("payday", PaydayRule(day: .dayOfMonth(25))),
            ("holiday countdown", HolidayCountdownRule(holiday: "spring_festival", daysBefore: [3, 1, 0])),
            ("cron", CronRule(expression: try! CronExpression("0 10 * * 4,5"))),
        ]
        let context = CalendarContext()
        _ = LunarCalendar.shared.months.count // build the table outside the timing
        let day = LocalDate(year: 2026, month: 11, day: 24)!
        let window = DateInterval(start: day.start(in: zone), end: day.adding(days: 1).start(in: zone).addingTimeInterval(-1))

        let started = DispatchTime.now().uptimeNanoseconds
        let total = Counter()
        // Two workers, one per core, as the planner's batches would run.
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            var local = 0
            // The planner's path: zones' days computed once, customer-independent rules once per zone.
            var evaluator = OccurrenceEvaluator(interval: window, rules: rules.map(\.1), context: context)
            for index in stride(from: part, to: customers.count, by: 2) {
                for rule in rules.indices { local += evaluator.occurrences(of: rule, for: customers[index], in: zone).count }
            }
            total.add(local)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(String(format: "beckon: %d customers x %d campaigns evaluated in %.3f s (%d occurrences due on %@)", count, rules.count, seconds, total.value, day.description))
        print(String(format: "BECKON_SECONDS=%.4f", seconds))

    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ n: Int) { lock.lock(); total += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}
