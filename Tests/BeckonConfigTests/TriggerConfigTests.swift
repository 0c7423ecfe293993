import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: triggers and calendars")
struct TriggerConfigTests {
    func trigger(_ yaml: String) throws -> Trigger { try ConfigNode.parse(yaml, file: "c.yaml").trigger() }

    @Test("every trigger kind parses", arguments: [
        "kind: birthday\noffset_days: -3\nleap_day: mar1",
        "kind: anniversary\nfield: signup_on",
        "kind: cron\nexpression: \"0 10 * * 5#3\"\ntimezone: Asia/Shanghai",
        "kind: date_offset\nfield: card_expires_on\ndays: -3",
        "kind: date_offset\nfield: last_order_at\nafter_days: 90\nwaves: [7, 15, 30]",
        "kind: payday\nday: last_working_day",
        "kind: payday\nday: 25\nshift: next\noffset_days: 1",
        "kind: holiday_countdown\nholiday: spring_festival\ndays_before: [3, 1, 0]",
        "kind: preset\nname: education\nwinter_vacation: \"01-20\"",
        "kind: event\nevent: cart_abandoned\ndelay_minutes: 180\ncancelled_by: [purchase]\nfields: [product, price]",
        "kind: date_offset\nfield: last_order_at\nafter_days: 90\nwaves: [7, 15, 30]\ncancelled_by: purchase",
    ])
    func kinds(yaml: String) throws {
        _ = try trigger(yaml)
    }

    @Test("mistakes name the key, with the line", arguments: [
        ("kind: cron\nexpression: \"61 * * * *\"", "expression", "cron minute field"),
        ("kind: payday\nday: 32", "day", "from 1 to 31"),
        ("kind: weekly", "kind", "unknown trigger kind"),
        ("kind: preset\nname: fashion", "name", "unknown preset"),
        ("kind: anniversary", "field", "needs the date field"),
        ("kind: date_offset\nfield: x\nwaves: [7, 7]", "", "distinct"),
        ("kind: event\nevent: cart_abandoned\ncancelled_by: [cart_abandoned]", "cancelled_by", "cannot cancel itself"),
        ("kind: event\nevent: cart\ncancelled_by: [\"\"]", "cancelled_by", "an empty name"),
        ("kind: event\nevent: cart\ndelay: 3", "delay", "unknown key"),
    ])
    func mistakes(yaml: String, key: String, message: String) throws {
        let error = try #require(throws: ConfigError.self) { try trigger(yaml) }
        #expect(error.key == key)
        #expect(error.message.contains(message))
    }

    @Test("event and wave triggers carry their cancelling events and declared fields")
    func cancellingEvents() throws {
        let event = try trigger("kind: event\nevent: cart_abandoned\ndelay_minutes: 180\ncancelled_by: [purchase]\nfields: [product]")
        #expect(event.cancellingEvents == ["purchase"])
        #expect(event.eventLookback == TimeInterval(10_800))
        if case .event(let rule) = event { #expect(rule.fields == ["product"]) } else { Issue.record("not an event trigger") }
        let waves = try trigger("kind: date_offset\nfield: last_order_at\nafter_days: 90\nwaves: [7, 15]\ncancelled_by: [purchase, visit]")
        #expect(waves.cancellingEvents == ["purchase", "visit"])
        #expect(waves.eventLookback == nil)
        #expect(try trigger("kind: event\nevent: cart").eventLookback == 0, "an event campaign without a delay still reads events")
    }

    @Test("etc/calendars: the shipped official schedule loads, and a countdown to an unknown holiday is refused")
    func calendars() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-cal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let calendars = root.appendingPathComponent("etc/calendars")
        try FileManager.default.createDirectory(at: calendars, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("etc/calendars/cn.workdays.yaml")
        try FileManager.default.copyItem(at: shipped, to: calendars.appendingPathComponent("cn.workdays.yaml"))
        try Data("store_day: { name: 店庆, date: \"05-18\" }\n".utf8).write(to: calendars.appendingPathComponent("brand.holidays.yaml"))
        try Data("".utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data("id: c\ntrigger: { kind: holiday_countdown, holiday: store_day, days_before: [1] }\ntemplate: x\n".utf8)
            .write(to: root.appendingPathComponent("etc/campaigns/c.yaml"))
        let configuration = try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
        #expect(configuration.calendar.workingDays.years == Set(2020...2026))
        #expect(configuration.calendar.workingDays.isWorkingDay(LocalDate(iso: "2026-02-28")!))
        #expect(!configuration.calendar.workingDays.isWorkingDay(LocalDate(iso: "2025-10-08")!))
        #expect(configuration.calendar.holidays.dates(of: "store_day", in: 2026) == [LocalDate(iso: "2026-05-18")!])

        try Data("id: c\ntrigger: { kind: holiday_countdown, holiday: store_dya }\ntemplate: x\n".utf8)
            .write(to: root.appendingPathComponent("etc/campaigns/c.yaml"))
        let error = try #require(throws: ConfigError.self) { try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml")) }
        #expect(error.message.contains("unknown holiday 'store_dya'"))
    }
}
