import BeckonCore
import Foundation
import Testing

@Suite("Holidays, working days and day rules")
struct HolidayAndRuleTests {
    let holidays = HolidayCalendar()
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    @Test("built-in holidays of 2024-2027 match the published dates", arguments: [
        (2024, ["spring_festival": "02-10", "lantern": "02-24", "qingming": "04-04", "dragon_boat": "06-10", "qixi": "08-10",
                "mid_autumn": "09-17", "double_ninth": "10-11", "laba": "01-18", "new_years_eve": "02-09", "winter_solstice": "12-21",
                "mothers_day": "05-12", "fathers_day": "06-16"]),
        (2025, ["spring_festival": "01-29", "lantern": "02-12", "qingming": "04-04", "dragon_boat": "05-31", "qixi": "08-29",
                "mid_autumn": "10-06", "double_ninth": "10-29", "laba": "01-07", "new_years_eve": "01-28", "winter_solstice": "12-21",
                "mothers_day": "05-11", "fathers_day": "06-15"]),
        (2026, ["spring_festival": "02-17", "lantern": "03-03", "qingming": "04-05", "dragon_boat": "06-19", "qixi": "08-19",
                "mid_autumn": "09-25", "double_ninth": "10-18", "laba": "01-26", "new_years_eve": "02-16", "winter_solstice": "12-22",
                "mothers_day": "05-10", "fathers_day": "06-21", "double_11": "11-11", "520": "05-20"]),
        (2027, ["spring_festival": "02-06", "lantern": "02-20", "qingming": "04-05", "dragon_boat": "06-09", "qixi": "08-08",
                "mid_autumn": "09-15", "double_ninth": "10-08", "laba": "01-15", "new_years_eve": "02-05", "winter_solstice": "12-22",
                "mothers_day": "05-09", "fathers_day": "06-20"]),
    ])
    func published(year: Int, expected: [String: String]) {
        for (key, monthDay) in expected {
            #expect(holidays.dates(of: key, in: year).map(\.description) == ["\(year)-\(monthDay)"], "\(key) \(year)")
        }
    }

    @Test("Qingming and the Winter Solstice fall on their usual days every year 1950-2100")
    func solarTermsRange() {
        for year in 1950...2100 {
            #expect((4...6).contains(SolarTerms.date(longitude: SolarTerms.qingming, year: year).day), "Qingming \(year)")
            #expect((21...23).contains(SolarTerms.date(longitude: SolarTerms.winterSolstice, year: year).day), "solstice \(year)")
        }
    }

    @Test("user holidays replace or add to the built-in ones")
    func userHolidays() {
        let calendar = HolidayCalendar(extra: [.init(key: "store_day", name: "店庆", rule: .solar(month: 5, day: 18))])
        #expect(calendar.dates(of: "store_day", in: 2026) == [LocalDate(iso: "2026-05-18")!])
        #expect(calendar.holidays(in: 2026).contains { $0.key == "spring_festival" })
    }

    @Test("iCalendar events: one-off, yearly and yearly with a count")
    func ics() throws {
        let text = """
            BEGIN:VCALENDAR\r
            BEGIN:VEVENT\r
            UID:store-day@brand\r
            SUMMARY:店庆\r
            DTSTART;VALUE=DATE:20200518\r
            RRULE:FREQ=YEARLY\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            SUMMARY:Spring sale\r
            DTSTART;VALUE=DATE:20260320\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:promo\r
            SUMMARY:Promo\r
            DTSTART;VALUE=DATE:20260601\r
            RRULE:FREQ=YEARLY;COUNT=2\r
            END:VEVENT\r
            END:VCALENDAR\r
            """
        let calendar = HolidayCalendar(extra: try ICalendar.holidays(from: text))
        #expect(calendar.dates(of: "store-day", in: 2030) == [LocalDate(iso: "2030-05-18")!])
        #expect(calendar.dates(of: "ics_2", in: 2026) == [LocalDate(iso: "2026-03-20")!])
        #expect(calendar.dates(of: "ics_2", in: 2027).isEmpty)
        #expect(calendar.dates(of: "promo", in: 2027).count == 1)
        #expect(calendar.dates(of: "promo", in: 2028).isEmpty)
        #expect(throws: ICalendarError.self) {
            try ICalendar.holidays(from: "BEGIN:VEVENT\nDTSTART:20260101\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n")
        }
    }

    let workdays = WorkingDayCalendar(restDays: [LocalDate(iso: "2026-02-16")!, LocalDate(iso: "2026-10-01")!],
                                      workDays: [LocalDate(iso: "2026-02-14")!], years: [2026])

    @Test("working days: weekends rest, the schedule's rest days rest, make-up days work")
    func workingDays() {
        #expect(workdays.isWorkingDay(LocalDate(iso: "2026-02-13")!))   // Friday
        #expect(workdays.isWorkingDay(LocalDate(iso: "2026-02-14")!))   // make-up Saturday
        #expect(!workdays.isWorkingDay(LocalDate(iso: "2026-02-15")!))  // Sunday
        #expect(!workdays.isWorkingDay(LocalDate(iso: "2026-02-16")!))  // Spring Festival holiday, a Monday
    }

    func days(_ rule: some TriggerRule, _ customer: Customer = Customer(id: "C1", name: "n", phone: "+8613800138000"),
              from: String, to: String, context: CalendarContext? = nil) -> [String] {
        let window = DateInterval(start: LocalDate(iso: from)!.start(in: zone), end: LocalDate(iso: to)!.start(in: zone))
        return rule.occurrences(for: customer, in: window, timeZone: zone, context: context ?? CalendarContext(workingDays: workdays))
            .map { "\($0.localDate)" + ($0.wave > 0 ? "#\($0.wave)" : "") }
    }

    @Test("payday moves off rest days, the last working day skips holidays, an offset fires the day after")
    func payday() {
        // 2026-10-25 is a Sunday: paid on Friday the 23rd.
        #expect(days(PaydayRule(day: .dayOfMonth(25)), from: "2026-10-01", to: "2026-10-31") == ["2026-10-23"])
        #expect(days(PaydayRule(day: .dayOfMonth(25), shift: .next), from: "2026-10-01", to: "2026-10-31") == ["2026-10-26"])
        #expect(days(PaydayRule(day: .dayOfMonth(31)), from: "2026-04-01", to: "2026-04-30") == ["2026-04-30"])
        #expect(days(PaydayRule(day: .lastWorkingDay), from: "2026-01-01", to: "2026-01-31") == ["2026-01-30"])
        #expect(days(PaydayRule(day: .dayOfMonth(25), offsetDays: 1), from: "2026-10-01", to: "2026-10-31") == ["2026-10-24"])
    }

    @Test("29 February birthdays fire on 28 February in common years, or 1 March when configured")
    func leapDay() {
        let customer = Customer(id: "C1", name: "n", phone: "+8613800138000", birthday: LocalDate(iso: "1996-02-29"))
        #expect(days(BirthdayRule(), customer, from: "2027-02-01", to: "2027-03-31") == ["2027-02-28"])
        #expect(days(BirthdayRule(leapDay: .march1), customer, from: "2027-02-01", to: "2027-03-31") == ["2027-03-01"])
        #expect(days(BirthdayRule(), customer, from: "2028-02-01", to: "2028-03-31") == ["2028-02-29"])
        #expect(days(BirthdayRule(offsetDays: -3), customer, from: "2027-02-01", to: "2027-03-31") == ["2027-02-25"])
    }

    @Test("date offsets: 3 days before expiry, and recall waves after lapsing that a new order ends")
    func dateOffsets() {
        var customer = Customer(id: "C1", name: "n", phone: "+8613800138000", attributes: ["card_expires_on": "2026-12-10"])
        #expect(days(DateOffsetRule(field: "card_expires_on", offsets: [-3]), customer, from: "2026-12-01", to: "2026-12-31") == ["2026-12-07"])
        customer.lastOrderAt = ISOInstant.parse("2026-06-01T12:00:00+08:00", defaultZone: zone)
        let waves = DateOffsetRule(field: "last_order_at", baseOffsetDays: 90, offsets: [7, 15, 30])
        // Lapsed on 2026-08-30; waves on 09-06, 09-14 and 09-29.
        #expect(days(waves, customer, from: "2026-08-01", to: "2026-10-31") == ["2026-09-06#1", "2026-09-14#2", "2026-09-29#3"])
        customer.lastOrderAt = ISOInstant.parse("2026-09-10T12:00:00+08:00", defaultZone: zone)
        #expect(days(waves, customer, from: "2026-09-11", to: "2026-10-31").isEmpty)
    }

    @Test("holiday countdown: 3, 1 and 0 days before Spring Festival")
    func countdown() {
        #expect(days(HolidayCountdownRule(holiday: "spring_festival", daysBefore: [3, 1, 0]), from: "2027-01-25", to: "2027-02-10")
                == ["2027-02-03#1", "2027-02-05#2", "2027-02-06#3"])
        // Across the year boundary: New Year's Day countdown starts in December.
        #expect(days(HolidayCountdownRule(holiday: "new_year", daysBefore: [2]), from: "2026-12-25", to: "2027-01-05") == ["2026-12-30"])
    }

    @Test("industry presets: FMCG on Thursday-Friday, luxury on the 20th-25th of quarter-end months, education a month before vacation")
    func presets() {
        #expect(days(PresetRule(preset: .fmcg, name: "fmcg"), from: "2026-11-23", to: "2026-11-29") == ["2026-11-26", "2026-11-27"])
        #expect(days(PresetRule(preset: .luxury, name: "luxury"), from: "2026-12-18", to: "2026-12-27").count == 6)
        #expect(days(PresetRule(preset: .luxury, name: "luxury"), from: "2026-11-18", to: "2026-11-27").isEmpty)
        let education = PresetRule(preset: .education(winter: .init(month: 1, day: 15), summer: .init(month: 7, day: 1)), name: "education")
        #expect(days(education, from: "2026-05-01", to: "2026-12-31") == ["2026-06-01", "2026-12-15"])
    }
}

@Suite("Event triggers")
struct EventRuleTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!
    func at(_ text: String) -> Date { ISOInstant.parse(text, defaultZone: zone)! }

    @Test("an abandoned cart fires 2 hours later with its product, keyed by the instant it fires")
    func cart() {
        let rule = EventRule(event: "cart_abandoned", delay: 7200, cancelledBy: ["purchase"])
        var customer = Customer(id: "C1", name: "n", phone: "+8613800138000")
        customer.events = [CustomerEvent(customerID: "C1", name: "cart_abandoned", at: at("2026-11-24T10:00"), attributes: ["product": "围巾"])]
        let window = DateInterval(start: at("2026-11-24T11:00"), end: at("2026-11-24T13:00"))
        let fired = rule.occurrences(for: customer, in: window, timeZone: zone, context: CalendarContext())
        #expect(fired.map(\.instant) == [at("2026-11-24T12:00")])
        #expect(fired.first?.attributes["product"] == "围巾")
        #expect(fired.first?.triggeredAt == at("2026-11-24T10:00"), "a purchase after this instant cancels it")
        #expect(fired.first?.wave == 12 * 3600, "the wave's place holds the seconds into the local day it fires")
        // Outside the window: nothing (it was or will be planned by another cycle).
        #expect(rule.occurrences(for: customer, in: DateInterval(start: at("2026-11-24T12:00"), end: at("2026-11-24T13:00")),
                                 timeZone: zone, context: CalendarContext()).isEmpty)
        // The rule itself no longer decides cancellation: the planner and the gate do, up to the send.
        customer.events.append(CustomerEvent(customerID: "C1", name: "purchase", at: at("2026-11-24T11:30")))
        #expect(rule.occurrences(for: customer, in: window, timeZone: zone, context: CalendarContext()).count == 1)
    }

    @Test("an event that arrived after its due time is planned by the next window; one still to come waits for its own")
    func lateEvent() {
        let rule = EventRule(event: "cart_abandoned", delay: 3 * 3600)
        var customer = Customer(id: "C1", name: "n", phone: "+8613800138000")
        customer.events = [
            CustomerEvent(customerID: "C1", name: "cart_abandoned", at: at("2026-11-24T07:00"), arrivedSincePlanning: true),
            CustomerEvent(customerID: "C1", name: "cart_abandoned", at: at("2026-11-24T09:00"), arrivedSincePlanning: true),
        ]
        // The file came at 11:05, after a cycle at 10:05: the 07:00 cart (due 10:00) is planned now.
        let window = DateInterval(start: at("2026-11-24T10:05"), end: at("2026-11-24T11:05"))
        let fired = rule.occurrences(for: customer, in: window, timeZone: zone, context: CalendarContext())
        #expect(fired.map(\.instant) == [at("2026-11-24T10:00")], "the 09:00 cart is due at 12:00, after this window")
        customer.events[0].arrivedSincePlanning = false
        #expect(rule.occurrences(for: customer, in: window, timeZone: zone, context: CalendarContext()).isEmpty,
                "once planned, an event is due only in the window its time falls into")
    }
}
