import Foundation
import Testing

@Suite("beckon explain and beckon plan")
struct ExplainAndPlanTests {
    /// A home with one campaign and three customers, imported by one `run --once` at 07:00 (before the window).
    func home() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-explain-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("stable_seconds: 0\n".utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data("""
            id: birthday
            category: marketing
            trigger: { kind: birthday }
            window: "10:00-12:00"
            template: "【Beckon】{{name}}生日快乐"
            """.utf8).write(to: root.appendingPathComponent("etc/campaigns/birthday.yaml"))
        try Data("""
            customer_id,name,phone,birthday
            C1,王芳,13800138000,1990-11-24
            C2,李雷,13900139000,1991-11-25
            C3,韩梅,13700137000,1992-06-01

            """.utf8).write(to: root.appendingPathComponent("inbox/customers.csv"))
        let result = try BeckonBinary.run(["run", "--once", "--now", "2026-11-24T07:00:00+08:00", "--config", config(root)])
        #expect(result.status == 0, "\(result.stderr)")
        return root
    }

    func config(_ root: URL) -> String { root.appendingPathComponent("etc/beckon.yaml").path }

    @Test("explain names the send time, or why there is none")
    func explain() throws {
        let root = try home()
        defer { try? FileManager.default.removeItem(at: root) }
        let scheduled = try BeckonBinary.run(["explain", "C1", "--at", "2026-11-24T08:00:00+08:00", "--config", config(root)])
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        #expect(scheduled.stdout.contains("customer C1 (王芳, +86138****8000, zone Asia/Shanghai)"))
        #expect(scheduled.stdout.contains("birthday: scheduled for 2026-11-24T1"))

        let notDue = try BeckonBinary.run(["explain", "C3", "--at", "2026-11-24T08:00:00+08:00", "--config", config(root)])
        #expect(notDue.stdout.contains("birthday: not due on 2026-11-24"))

        let tomorrow = try BeckonBinary.run(["explain", "C2", "--at", "2026-11-25T08:00:00+08:00", "--config", config(root)])
        #expect(tomorrow.stdout.contains("birthday: gets it at 2026-11-25T1"))
        #expect(tomorrow.stdout.contains("valid until 2026-11-25T12:00:00+08:00"))

        let unknown = try BeckonBinary.run(["explain", "C9", "--config", config(root)])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no customer with id 'C9'"))
    }

    @Test("plan lists the messages of an interval and a summary, without changing anything")
    func plan() throws {
        let root = try home()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["plan", "--from", "2026-11-25", "--to", "2026-11-27", "--json", "--config", config(root)])
        #expect(result.status == 0, "\(result.stderr)")
        struct Output: Decodable {
            struct Message: Decodable { var key: String; var text: String; var send_at: String; var phone: String; var segments: Int; var encoding: String }
            struct Row: Decodable { var campaign: String; var due: Int; var toSend: Int }
            var messages: [Message]
            var summary: [Row]
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(output.messages.map(\.key) == ["birthday/0/C2/2026-11-25"])
        // A marketing message gets the opt-out line the template lacks.
        #expect(output.messages.first?.text == "【Beckon】李雷生日快乐回复TD退订")
        #expect(output.messages.first?.phone == "+86139****9000")
        #expect(output.messages.first?.encoding == "UCS-2" && output.messages.first?.segments == 1)
        #expect(output.summary.first?.due == 1 && output.summary.first?.toSend == 1)

        // Planning twice gives the same answer: nothing was scheduled by the first.
        let again = try BeckonBinary.run(["plan", "--from", "2026-11-25", "--to", "2026-11-27", "--json", "--config", config(root)])
        #expect(again.stdout == result.stdout)
    }

    @Test("plan lists the messages a cycle already scheduled in the interval, with their state")
    func planListsScheduled() throws {
        let root = try home()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["plan", "--from", "2026-11-24", "--to", "2026-11-25", "--json", "--config", config(root)])
        #expect(result.status == 0, "\(result.stderr)")
        struct Output: Decodable {
            struct Message: Decodable { var key: String; var state: String; var outcome: String }
            struct Row: Decodable { var campaign: String; var due: Int; var toSend: Int; var alreadyInLedger: Int }
            var messages: [Message]
            var summary: [Row]
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        // C1's birthday was scheduled by the 07:00 cycle: listed with its state, and it goes.
        #expect(output.messages.map(\.key) == ["birthday/0/C1/2026-11-24"])
        #expect(output.messages.first?.state == "scheduled")
        #expect(output.messages.first?.outcome == "send (scheduled)")
        #expect(output.summary.first?.alreadyInLedger == 1 && output.summary.first?.toSend == 1)

        let text = try BeckonBinary.run(["plan", "--from", "2026-11-24", "--to", "2026-11-25", "--config", config(root)])
        #expect(text.stdout.contains("\tsend (scheduled)\tbirthday\t-\tC1\t"))
    }

    /// A priority-1 and a priority-10 campaign due the same day for one customer, with windows that put
    /// either one first (or share one), spread or not.
    @Test("the priority-10 campaign wins the day whatever the spread times, and explain said so beforehand", arguments: [
        ("09:00-10:00", "15:00-16:00", true), ("15:00-16:00", "09:00-10:00", true), ("10:00-12:00", "10:00-12:00", true),
        ("09:00-10:00", "15:00-16:00", false), ("10:00-12:00", "10:00-12:00", false),
    ])
    func priorityWinsTheDay(lowWindow: String, highWindow: String, spread: Bool) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-priority-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("stable_seconds: 0\n".utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        for (id, priority, window) in [("promo", 1, lowWindow), ("birthday", 10, highWindow)] {
            try Data("""
                id: \(id)
                category: marketing
                priority: \(priority)
                trigger: { kind: birthday }
                window: "\(window)"
                spread: \(spread)
                template: "【Beckon】{{name}} \(id)"
                """.utf8).write(to: root.appendingPathComponent("etc/campaigns/\(id).yaml"))
        }
        try Data("customer_id,name,phone,birthday\nC1,王芳,13800138000,1990-11-24\n".utf8)
            .write(to: root.appendingPathComponent("inbox/customers.csv"))
        let config = config(root)
        #expect(try BeckonBinary.run(["run", "--once", "--now", "2026-11-24T07:00:00+08:00", "--config", config]).status == 0)

        // Beforehand: the winner and the loser are announced.
        let before = try BeckonBinary.run(["explain", "C1", "--at", "2026-11-24T08:00:00+08:00", "--config", config])
        #expect(before.status == 0, "\(before.stderr)")
        let lines = before.stdout.split(separator: "\n").map(String.init)
        let high = lines.first { $0.hasPrefix("  birthday:") } ?? ""
        let low = lines.first { $0.hasPrefix("  promo:") } ?? ""
        #expect(high.contains("it wins its day as things stand"), "\(before.stdout)")
        #expect(low.contains("as things stand it will then be dropped: lower_priority"), "\(before.stdout)")
        #expect(low.contains("birthday/0/C1/2026-11-24 (priority 10"), "\(before.stdout)")

        // A cycle at the last second of each window, in time order: every spread send time has come by then.
        let ends = Set([lowWindow, highWindow].map { String($0.suffix(5)) }).sorted()
        for end in ends {
            let instant = "2026-11-24T\(end == "10:00" ? "09:59:59" : end == "12:00" ? "11:59:59" : "15:59:59")+08:00"
            let run = try BeckonBinary.run(["run", "--once", "--now", instant, "--config", config])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let after = try BeckonBinary.run(["explain", "C1", "--at", "2026-11-24T23:00:00+08:00", "--config", config])
        #expect(after.stdout.contains("birthday: already sent"), "\(after.stdout)")
        #expect(after.stdout.contains("promo: already dropped") && after.stdout.contains("(lower_priority)"), "\(after.stdout)")
        let messages = try fm.contentsOfDirectory(atPath: root.appendingPathComponent("outbox/messages").path)
        #expect(messages.count == 1, "\(messages)")
    }
}
