import BeckonCore
import Foundation

/// Loads `etc/campaigns/*.yaml`, one campaign per file, in file-name order.
public enum CampaignLoader {
    static let keys = Set(["id", "name", "category", "priority", "trigger", "template", "template_file", "variants", "channel", "enabled", "audience", "tracked_link",
                        "control", "control_salt", "attribution_days", "coupon", "budget"])
        .union(ConfigNode.campaignPolicyKeys).union(ConfigNode.campaignContentKeys)

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
            let campaign = try parse(ConfigNode.load(contentsOf: file),
                                     templates: directory.deletingLastPathComponent().appendingPathComponent("templates"))
            if let other = seen[campaign.id] {
                throw ConfigError(file: file.path, line: nil, key: "id", message: "campaign id '\(campaign.id)' is also used by \(other)")
            }
            seen[campaign.id] = file.path
            return campaign
        }
    }

    /// - Parameter templates: the folder `template_file:` names are read from (`etc/templates/`).
    public static func parse(_ root: ConfigNode, templates: URL? = nil) throws -> Campaign {
        try root.rejectUnknownKeys(keys)
        let id = try root.required("id").identifier()
        // A template is inline (`template:`) or a file in etc/templates/ (`template_file:`), never both.
        func template(in node: ConfigNode) throws -> MessageTemplate {
            let inline = try node.optional("template")
            let file = try node.optional("template_file")
            let source: String
            let origin: ConfigNode
            switch (inline, file) {
            case (let inline?, nil):
                source = try inline.string()
                origin = inline
            case (nil, let file?):
                let name = try file.string()
                guard !name.contains("/"), let folder = templates else { throw file.error("must be a file name in etc/templates/") }
                do { source = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) } catch {
                    throw file.error("cannot read etc/templates/\(name)")
                }
                origin = file
            case (_?, _?): throw node.error("give either template or template_file, not both")
            case (nil, nil): throw node.error("missing required key template (or template_file)", key: node.path.isEmpty ? "template" : "\(node.path).template")
            }
            do { return try MessageTemplate(source.trimmingCharacters(in: .newlines)) } catch { throw origin.error("\(error)") }
        }
        let main = try template(in: root)
        var campaign = Campaign(
            id: id,
            name: try root.optional("name")?.string() ?? id,
            category: try root.optional("category")?.oneOf(MessageCategory.self) ?? .marketing,
            priority: try root.optional("priority")?.int() ?? 0,
            trigger: try root.required("trigger").trigger(),
            template: main,
            channel: try root.optional("channel")?.identifier() ?? "outbox",
            enabled: try root.optional("enabled")?.bool() ?? true
        )
        campaign.policy = try root.campaignPolicy()
        campaign.content = try root.campaignContent()
        if let audience = try root.optional("audience") {
            campaign.audience = AudienceRule(conditions: try audience.list().map { node in
                do { return try AudienceRule.parse(try node.string()) } catch let error as AudienceError { throw node.error("\(error)") }
            })
        }
        campaign.variants = try root.optional("variants")?.variants(templates: template(in:)) ?? []
        campaign.control = try root.controlGroup(campaign: id)
        if campaign.control != nil, campaign.category == .transactional, let node = try root.optional("control") {
            throw node.error("a transactional campaign is never held out; remove control: (or change category:)")
        }
        campaign.trackedLink = try root.optional("tracked_link")?.oneOf(LinkScope.self) ?? .perMessage
        if let days = try root.optional("attribution_days") {
            let value = try days.int()
            guard Attribution.Windows.allowedDays.contains(value) else {
                throw days.error("attribution_days must be between \(Attribution.Windows.allowedDays.lowerBound) and \(Attribution.Windows.allowedDays.upperBound) days, got \(value)")
            }
            campaign.attributionDays = value
        }
        // The pool's name is what a coupons file's `pool` (or `campaign`) column says.
        campaign.coupon = try root.optional("coupon")?.identifier()
        campaign.budget = try root.optional("budget").map(budget)
        return campaign
    }

    /// `budget: { monthly: 3000, daily: 200, monthly_segments: 100, daily_segments: 10 }`: money in
    /// `report.currency` (through the channels' `unit_price`) or segments, per local day and month.
    static func budget(_ node: ConfigNode) throws -> CampaignBudget {
        let kinds: [(key: String, period: CampaignBudget.Period, unit: CampaignBudget.Unit)] = [
            ("daily", .day, .money), ("monthly", .month, .money), ("daily_segments", .day, .segments), ("monthly_segments", .month, .segments),
        ]
        try node.rejectUnknownKeys(Set(kinds.map(\.key)))
        var limits: [CampaignBudget.Limit] = []
        for kind in kinds {
            guard let value = try node.optional(kind.key) else { continue }
            let amount = kind.unit == .segments ? Double(try value.int()) : try value.double()
            guard amount >= 0, amount.isFinite else {
                throw value.error(kind.unit == .segments ? "a number of SMS segments, 0 or more" : "an amount in report.currency, 0 or more")
            }
            limits.append(CampaignBudget.Limit(period: kind.period, unit: kind.unit, amount: amount))
        }
        guard !limits.isEmpty else { throw node.error("give at least one of daily, monthly (money), daily_segments, monthly_segments") }
        return CampaignBudget(limits: limits)
    }
}
