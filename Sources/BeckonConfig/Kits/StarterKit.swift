/// An industry's starter configuration, written by `beckon init --industry`: a complete etc/ (beckon.yaml,
/// campaigns, templates, calendars and a `columns:` mapping for common Chinese ERP headers) with the recall
/// playbook campaigns that fit that industry. docs/kits.md gives the timing rationale.
///
/// The contents are Swift string literals compiled into the binary, not SwiftPM resources: a resource is found
/// through `Bundle.module`, which looks for a bundle folder next to the build product and fails once the binary
/// is installed elsewhere (the .deb puts it in /usr/bin alone). A literal goes wherever the binary goes.
public struct StarterKit: Sendable {
    public enum Industry: String, CaseIterable, Sendable {
        case retail, beauty
        case motherBaby = "mother-baby"
        case freshFood = "fresh-food"
        case restaurant, gym, education, luxury, fmcg
    }

    public struct File: Hashable, Sendable {
        /// Relative to the folder that holds etc/ (`etc/campaigns/10-birthday.yaml`).
        public var path: String
        public var contents: String
    }

    public var industry: Industry
    public var files: [File]

    public init(industry: Industry) {
        self.industry = industry
        let playbook = KitPlaybook.of(industry)
        var files = [File(path: "etc/beckon.yaml", contents: KitMainFile.render(playbook)),
                     File(path: "etc/calendars/cn.workdays.yaml", contents: KitCalendars.workdays),
                     File(path: "etc/calendars/store.holidays.yaml", contents: KitCalendars.storeHolidays)]
        for campaign in playbook.campaigns {
            files.append(File(path: "etc/campaigns/\(campaign.file).yaml", contents: campaign.yaml))
            files.append(File(path: "etc/templates/\(campaign.id).txt", contents: campaign.text + "\n"))
        }
        self.files = files
    }
}
