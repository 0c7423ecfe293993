import BeckonDaemon
import Foundation
import GatewaySupport
import Testing

@Suite("sd_notify by hand: datagrams to $NOTIFY_SOCKET", .serialized)
struct SystemdNotifierTests {
    @Test("no NOTIFY_SOCKET, no notifier: outside systemd nothing is sent")
    func outsideSystemd() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
    }

    @Test("READY, STATUS, RELOADING and STOPPING arrive as one datagram each, with their fields", arguments: [false, true])
    func messages(abstract: Bool) async throws {
        let socket = try NotifySocket(abstract: abstract)
        defer { socket.close() }
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path]))
        notifier.ready(status: "last cycle: 3 sent\nand a second line")
        notifier.status("5 waiting")
        notifier.reloading()
        notifier.stopping()
        for _ in 0..<40 where socket.messages.count < 4 { try await Task.sleep(for: .milliseconds(25)) }
        let messages = socket.messages
        try #require(messages.count == 4, "\(messages)")
        #expect(messages[0] == "READY=1\nSTATUS=last cycle: 3 sent and a second line")
        #expect(messages[1] == "STATUS=5 waiting")
        #expect(messages[2].hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        #expect(Int64(messages[2].split(separator: "=").last!) ?? 0 > 0)
        #expect(messages[3].hasPrefix("STOPPING=1"))
    }

    @Test("watchdog pings only when WATCHDOG_USEC asks for them, at most every quarter of it however often called")
    func watchdog() async throws {
        let socket = try NotifySocket()
        defer { socket.close() }
        let off = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path]))
        #expect(off.watchdogInterval == nil)
        off.watchdogPing()
        let notForUs = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"]))
        #expect(notForUs.watchdogInterval == nil)

        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000",
                                                                  "WATCHDOG_PID": "\(getpid())"]))
        #expect(notifier.watchdogInterval == .milliseconds(200))
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .milliseconds(500) {
            notifier.watchdogPing()
            try await Task.sleep(for: .milliseconds(1))
        }
        try await Task.sleep(for: .milliseconds(100))
        let pings = socket.messages.filter { $0 == "WATCHDOG=1" }.count
        // Every 100 ms over 500 ms: 5 or 6 pings (the first at once), not hundreds. How many of the loop's turns a
        // loaded machine runs in 500 ms is not ours to promise, so only the first ping and the ceiling are asserted.
        #expect((1...7).contains(pings), "\(pings) pings")
        #expect(socket.messages.count == pings)
    }
}
