import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

/// Every YAML block in the README and in docs/ is something a user will paste into `etc/`: each must load.
@Suite("Documented configuration loads")
struct DocumentedConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Block: CustomTestStringConvertible, Sendable {
        var file: String
        var line: Int
        var text: String
        var testDescription: String { "\(file):\(line)" }
    }

    /// The ```yaml blocks of the README, docs/*.md and the inbox's and outbox's READMEs.
    static let blocks: [Block] = {
        let fm = FileManager.default
        let docs = (try? fm.contentsOfDirectory(atPath: repository.appendingPathComponent("docs").path)) ?? []
        let files = ["README.md", "inbox/README.md", "outbox/README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        var blocks: [Block] = []
        for file in files {
            guard let text = try? String(contentsOf: repository.appendingPathComponent(file), encoding: .utf8) else { continue }
            var current: [String]?
            var start = 0
            for (index, line) in text.components(separatedBy: "\n").enumerated() {
                if current == nil, line.trimmedSpaces == "```yaml" {
                    current = []
                    start = index + 2
                } else if current != nil, line.trimmedSpaces == "```" {
                    blocks.append(Block(file: file, line: start, text: current!.joined(separator: "\n") + "\n"))
                    current = nil
                } else {
                    current?.append(line)
                }
            }
        }
        return blocks
    }()

    static let campaign = "id: documented\ntrigger: { kind: birthday }\ntemplate: \"Hi {{name}}\"\n"

    /// Loads `beckon` as etc/beckon.yaml and `campaign` as a campaign, beside the shipped calendars and routing data.
    func load(beckon: String, campaign: String) throws -> BeckonConfiguration {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("beckon-docs-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        for folder in ["calendars", "routing"] {
            try fm.copyItem(at: Self.repository.appendingPathComponent("etc/\(folder)"), to: root.appendingPathComponent("etc/\(folder)"))
        }
        try Data(beckon.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data(campaign.utf8).write(to: root.appendingPathComponent("etc/campaigns/documented.yaml"))
        return try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
    }

    @Test("the README and docs/ have YAML blocks to check")
    func found() {
        #expect(Self.blocks.count >= 5)
        #expect(Self.blocks.contains { $0.file.hasPrefix("docs/") })
    }

    @Test("each block loads as what it documents", arguments: blocks)
    func loads(block: Block) throws {
        let keys = try ConfigNode.parse(block.text, file: block.file).mapping().map(\.key)
        if keys.contains("id") && keys.contains("trigger") {
            _ = try load(beckon: "", campaign: block.text)
        } else if !keys.isEmpty, Set(keys).isSubset(of: ["audience", "variants", "window", "spread", "priority", "category"]) {
            // A fragment of a campaign file, with the segments the README defines beside it.
            _ = try load(beckon: "segments: { churn-risk: \"R 1-2\", high-potential: \"F 4-5 and M 4-5\" }\n",
                         campaign: Self.campaign + block.text)
        } else if !keys.isEmpty, Set(keys).isSubset(of: BeckonConfiguration.keys) {
            _ = try load(beckon: block.text, campaign: Self.campaign)
        } else {
            Issue.record("\(block.file):\(block.line): a YAML block that is neither etc/beckon.yaml nor a campaign (keys: \(keys))")
        }
    }
}
