import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: inbox kinds and the snapshot guard")
struct InboxConfigTests {
    func load(_ yaml: String) throws -> BeckonConfiguration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        return try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
    }

    @Test("inbox: a path, as before, keeps the default kinds and share")
    func plainPath() throws {
        let configuration = try load("inbox: drop\n")
        #expect(configuration.inbox.lastPathComponent == "drop")
        #expect(configuration.inboxKinds == .defaults)
        #expect(configuration.snapshotMaxDeactivate == 0.2)
    }

    @Test("inbox: a mapping with path, kinds (replacing that kind's defaults) and snapshot_max_deactivate")
    func mapping() throws {
        let configuration = try load("""
            inbox:
              path: drop
              kinds:
                opt_outs: ["dnc-*.csv", "stop-*"]
                snapshots: members-all-*.csv
              snapshot_max_deactivate: 5%
            """)
        #expect(configuration.inbox.lastPathComponent == "drop")
        #expect(configuration.inboxKinds.optOuts.map(\.text) == ["dnc-*.csv", "stop-*"])
        #expect(configuration.inboxKinds.snapshots.map(\.text) == ["members-all-*.csv"])
        #expect(configuration.inboxKinds.events == InboxKindPatterns.defaults.events)
        #expect(configuration.snapshotMaxDeactivate == 0.05)
        #expect(try load("inbox:\n  snapshot_max_deactivate: 0.5\n").snapshotMaxDeactivate == 0.5)
    }

    @Test("bad values are refused at load with file, line and key", arguments: [
        ("inbox:\n  kinds:\n    optouts: [x]\n", "3", "inbox.kinds.optouts", "unknown key"),
        ("inbox:\n  kinds:\n    events: [\"[ab\"]\n", "3", "inbox.kinds.events[0]", "never closed"),
        ("inbox:\n  kinds:\n    events: [\"a/b\"]\n", "3", "inbox.kinds.events[0]", "contains '/'"),
        ("inbox:\n  kinds:\n    events: [x-*]\n    opt_outs: [x-*]\n", "4", "inbox.kinds.opt_outs[0]", "also under events"),
        ("inbox:\n  snapshot_max_deactivate: 120%\n", "2", "inbox.snapshot_max_deactivate", "between 0% and 100%"),
        ("inbox:\n  snapshot_max_deactivate: lots\n", "2", "inbox.snapshot_max_deactivate", "expected a share"),
        ("inbox:\n  pth: x\n", "2", "inbox.pth", "unknown key"),
    ])
    func refused(yaml: String, line: String, key: String, message: String) throws {
        let error = try #require(throws: ConfigError.self) { try load(yaml) }
        #expect(error.line.map(String.init) == line)
        #expect(error.key == key)
        #expect(error.message.contains(message))
    }

    @Test("the default patterns, as inbox/README.md lists them, all parse")
    func defaultsParse() throws {
        let texts = InboxKindPatterns.defaultPatternTexts.flatMap(\.patterns)
        #expect(texts.allSatisfy { (try? NamePattern($0)) != nil })
        let defaults = InboxKindPatterns.defaults
        #expect(defaults.snapshots.count + defaults.events.count + defaults.optOuts.count + defaults.conversions.count + defaults.coupons.count == texts.count)
    }

    @Test("patterns are anchored and ignore case", arguments: [
        ("stop[-_.]*", "stop-2026.csv", true), ("stop[-_.]*", "bus_stop_members.csv", false), ("stop[-_.]*", "STOP_list.CSV", true),
        ("reply[-_.]*", "replica_members.csv", false), ("*[-_.]snapshot[-_.]*", "members-snapshot.csv", true),
        ("*[-_.]snapshot[-_.]*", "members_full.csv", false), ("*[-_.]snapshot[-_.]*", "snapshots.csv", false),
        ("*退订*", "客户退订名单.csv", true), ("a?c", "abc", true), ("a?c", "abbc", false), ("[!a]x", "bx", true), ("[!a]x", "ax", false),
        ("[a-c]*", "b", true), ("*.csv", "x.csv.tmp", false), ("*a*a*a*a*b", String(repeating: "a", count: 200), false),
    ])
    func patterns(pattern: String, name: String, matches: Bool) throws {
        #expect(try NamePattern(pattern).matches(name) == matches)
    }
}
