import BeckonCore
import Foundation
import Testing

@Suite("Send windows and quiet hours")
struct SendTimingTests {
    @Test("windows parse, may cross midnight, and scenes have their preset hours", arguments: [
        ("10:00-12:00", [600..<720]),
        ("22:00-08:00", [0..<480, 1320..<1440]),
        ("21:00-00:00", [1260..<1440]),
        ("commute", [450..<510]),
        ("lunch", [690..<750]),
        ("evening", [1260..<1320]),
    ])
    func windows(text: String, minutes: [Range<Int>]) {
        #expect(T.window(text).minuteRanges == minutes)
    }

    @Test("malformed windows are rejected", arguments: ["10:00", "10-12", "25:00-26:00", "10:00-10:00", "noon"])
    func malformed(text: String) {
        #expect(TimeWindow(parsing: text) == nil)
    }

    @Test("the allowed time is the window minus quiet hours")
    func allowedTime() {
        let timing = SendTiming(window: T.window("07:00-23:00"), quietHours: DeliveryPolicy.standardQuietHours)
        #expect(timing.allowed == [480..<1320])
        let none = SendTiming(window: T.window("evening"), quietHours: T.window("21:00-09:00"))
        #expect(none.allowed.isEmpty)
        guard case .dropped(let reason) = none.schedule(for: T.dayOccurrence("2026-11-24"), key: T.key(), zone: T.shanghai) else {
            Issue.record("a window entirely inside quiet hours must drop")
            return
        }
        #expect(reason.code == "no_allowed_time")
    }

    @Test("a day-based message is spread inside the window, deterministically, and valid until the window closes")
    func spread() throws {
        let timing = SendTiming(window: T.window("10:00-12:00"), quietHours: DeliveryPolicy.standardQuietHours)
        var seen = Set<Date>()
        for customer in 0..<200 {
            let key = T.key(customer: "C\(customer)")
            guard case .send(let at, let until) = timing.schedule(for: T.dayOccurrence("2026-11-24"), key: key, zone: T.shanghai) else {
                Issue.record("expected a send")
                return
            }
            #expect(at >= T.at("2026-11-24T10:00:00+08:00") && at < T.at("2026-11-24T12:00:00+08:00"))
            #expect(until == T.at("2026-11-24T12:00:00+08:00"))
            #expect(timing.schedule(for: T.dayOccurrence("2026-11-24"), key: key, zone: T.shanghai) == .send(sendAt: at, validUntil: until))
            seen.insert(at)
        }
        // Spread, not bunched at the first second.
        #expect(seen.count > 150)
    }

    @Test("an instant inside the window goes at that instant; outside it is deferred to the next opening or dropped")
    func instantBased() {
        let occurrence = { (text: String) in Occurrence(localDate: LocalDate(T.at(text), in: T.shanghai), instant: T.at(text), reason: "cron") }
        let timing = SendTiming(window: T.window("10:00-12:00"), quietHours: DeliveryPolicy.standardQuietHours)
        #expect(timing.schedule(for: occurrence("2026-11-24T10:30:00+08:00"), key: T.key(), zone: T.shanghai)
                == .send(sendAt: T.at("2026-11-24T10:30:00+08:00"), validUntil: T.at("2026-11-24T12:00:00+08:00")))
        // At 03:00 it waits for 10:00-12:00 the same day; at 13:00 for the next day's window.
        guard case .send(let early, let earlyUntil) = timing.schedule(for: occurrence("2026-11-24T03:00:00+08:00"), key: T.key(), zone: T.shanghai),
              case .send(let late, let lateUntil) = timing.schedule(for: occurrence("2026-11-24T13:00:00+08:00"), key: T.key(), zone: T.shanghai) else {
            Issue.record("expected deferral to the next window")
            return
        }
        #expect(early >= T.at("2026-11-24T10:00:00+08:00") && earlyUntil == T.at("2026-11-24T12:00:00+08:00"))
        #expect(late >= T.at("2026-11-25T10:00:00+08:00") && lateUntil == T.at("2026-11-25T12:00:00+08:00"))

        let dropping = SendTiming(window: T.window("10:00-12:00"), quietHours: nil, outsideWindow: .drop)
        #expect(dropping.schedule(for: occurrence("2026-11-24T13:00:00+08:00"), key: T.key(), zone: T.shanghai).reason?.code == "outside_window")
    }

    @Test("spread: false: a deferred instant-based message and a day's loser go as the window opens, not at a spread point")
    func unspreadDeferral() {
        let occurrence = Occurrence(localDate: T.day("2026-11-24"), instant: T.at("2026-11-24T13:00:00+08:00"), reason: "cron")
        let flat = SendTiming(window: T.window("10:00-12:00"), quietHours: DeliveryPolicy.standardQuietHours, spreads: false)
        let spread = SendTiming(window: T.window("10:00-12:00"), quietHours: DeliveryPolicy.standardQuietHours, spreads: true)
        #expect(flat.schedule(for: occurrence, key: T.key(), zone: T.shanghai)
                == .send(sendAt: T.at("2026-11-25T10:00:00+08:00"), validUntil: T.at("2026-11-25T12:00:00+08:00")))
        #expect(flat.firstSendTime(after: T.day("2026-11-24"), key: T.key(), zone: T.shanghai) == T.at("2026-11-25T10:00:00+08:00"))
        // With the default, keys land all over the window.
        let points = Set((0..<50).compactMap { i -> Date? in
            guard case .send(let at, _) = spread.schedule(for: occurrence, key: T.key(customer: "C\(i)"), zone: T.shanghai) else { return nil }
            return at
        })
        #expect(points.count > 40)
        #expect(points.allSatisfy { $0 >= T.at("2026-11-25T10:00:00+08:00") && $0 < T.at("2026-11-25T12:00:00+08:00") })
    }

    @Test("after the window closes, a message is expired instead of sent late")
    func expiry() {
        let timing = SendTiming(window: T.window("10:00-12:00"), quietHours: nil)
        let verdict = timing.verdict(for: T.dayOccurrence("2026-11-24"), key: T.key(), zone: T.shanghai, now: T.at("2026-11-24T12:00:00+08:00"))
        #expect(verdict.status == .expired)
        #expect(verdict.reason?.code == "past_valid_until")
    }

    @Test("on the day New York springs forward, a 01:00-04:00 window loses its missing hour")
    func springForward() {
        let timing = SendTiming(window: T.window("01:00-04:00"), quietHours: nil)
        let day = T.dayOccurrence("2026-03-08", in: T.newYork)
        guard case .send(let at, let until) = timing.schedule(for: day, key: T.key(day: "2026-03-08"), zone: T.newYork) else {
            Issue.record("expected a send")
            return
        }
        #expect(until == ISOInstant.parse("2026-03-08T04:00:00-04:00", defaultZone: .gmt)!)
        #expect(at >= ISOInstant.parse("2026-03-08T01:00:00-05:00", defaultZone: .gmt)! && at < until)
    }
}

@Suite("ISO 8601 instants")
struct ISOInstantTests {
    @Test("formatting matches Foundation's ISO 8601 formatter in every kind of zone", arguments: [
        "Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC", "America/St_Johns",
    ])
    func matchesFoundation(zone: String) {
        let timeZone = TimeZone(identifier: zone)!
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        // From 1970: before standard time, zones used local mean time with odd seconds, which receipts never show.
        for seconds in stride(from: 0.0, to: 4_000_000_000, by: 7_777_777.7) {
            let instant = Date(timeIntervalSince1970: seconds)
            #expect(ISOInstant.format(instant, in: timeZone) == formatter.string(from: instant))
        }
    }

    @Test("parsing: exact offsets, Z, and local times in the default zone")
    func parsing() {
        #expect(ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt) == Date(timeIntervalSince1970: 1_795_485_600))
        #expect(ISOInstant.parse("2026-11-24T02:00:00Z", defaultZone: T.newYork) == Date(timeIntervalSince1970: 1_795_485_600))
        #expect(ISOInstant.parse("2026-11-24T10:00", defaultZone: T.shanghai) == Date(timeIntervalSince1970: 1_795_485_600))
        #expect(ISOInstant.parse("2026-11-24", defaultZone: T.shanghai) == Date(timeIntervalSince1970: 1_795_449_600))
        #expect(ISOInstant.parse("2026-11-24 10:00", defaultZone: T.shanghai) == Date(timeIntervalSince1970: 1_795_485_600))
        #expect(ISOInstant.parse("2026-11-24T10:00:00.5+0800", defaultZone: .gmt) == Date(timeIntervalSince1970: 1_795_485_600.5))
        #expect(ISOInstant.parse("2026-11-24T10:00:00-05:30", defaultZone: .gmt) == Date(timeIntervalSince1970: 1_795_485_600 + 13.5 * 3600))
        #expect(ISOInstant.parse("2026-11-24T24:00", defaultZone: T.shanghai) == nil)
        #expect(ISOInstant.parse("2026-11-24T10:00:00+08:00 extra", defaultZone: T.shanghai) == nil)
        #expect(ISOInstant.parse("tomorrow", defaultZone: T.shanghai) == nil)
        #expect(ISOInstant.parse("2026-02-30T10:00", defaultZone: T.shanghai) == nil)
    }
}

@Suite("Zone offset tables")
struct ZoneOffsetsTests {
    @Test("local dates from the table match Foundation's", arguments: ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"])
    func matchesFoundation(zone: String) {
        let timeZone = TimeZone(identifier: zone)!
        let table = ZoneOffsets(timeZone)
        for seconds in stride(from: -1_500_000_000.0, to: 3_000_000_000, by: 1_234_567.8) {
            let instant = Date(timeIntervalSince1970: seconds)
            #expect(table.offset(at: instant) == timeZone.secondsFromGMT(for: instant))
            #expect(table.localDate(instant) == LocalDate(instant, in: timeZone))
        }
    }
}
