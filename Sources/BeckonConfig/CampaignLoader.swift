import BeckonCore
import Foundation

/// Loads `etc/campaigns/*.yaml`, one campaign per file, in file-name order.
public enum CampaignLoader {
    static let keys = Set(["id", "name", "category", "priority", "trigger", "template", "channel", "enabled"])
        .union(ConfigNode.campaignPolicyKeys)

    public static func load(directory: URL) throws -> [Campaign] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { ["yaml", "yml"].contains($0.pathExtension) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            return [] // No campaigns directory: nothing to send, which `beckon check` reports.
        }
        var seen: [String: String] = [:]
        return try files.map { file in
            let campaign = try parse(ConfigNode.load(contentsOf: file))
            if let other = seen[campaign.id] {
                throw ConfigError(file: file.path, line: nil, key: "id", message: "campaign id '\(campaign.id)' is also used by \(other)")
            }
            seen[campaign.id] = file.path
            return campaign
        }
    }

    public static func parse(_ root: ConfigNode) throws -> Campaign {
        try root.rejectUnknownKeys(keys)
        let id = try root.required("id").identifier()
        let templateNode = try root.required("template")
        let template: MessageTemplate
        do { template = try MessageTemplate(try templateNode.string()) } catch let error as TemplateError {
            throw templateNode.error("\(error)")
        }
        var campaign = Campaign(
            id: id,
            name: try root.optional("name")?.string() ?? id,
            category: try root.optional("category")?.oneOf(MessageCategory.self) ?? .marketing,
            priority: try root.optional("priority")?.int() ?? 0,
            trigger: try root.required("trigger").trigger(),
            template: template,
            channel: try root.optional("channel")?.identifier() ?? "outbox",
            enabled: try root.optional("enabled")?.bool() ?? true
        )
        campaign.policy = try root.campaignPolicy()
        return campaign
    }
}
