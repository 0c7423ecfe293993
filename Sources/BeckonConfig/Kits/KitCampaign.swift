/// One campaign of a starter kit: its YAML file (commented with why this timing and which customers) and
/// its template, written to etc/templates/ID.txt.
struct KitCampaign: Sendable {
    /// Orders the files in etc/campaigns/ (`10-birthday.yaml`), so they read as the playbook does.
    var order: Int
    var id: String
    var name: String
    /// Why this timing: the first comment lines of the file.
    var why: String
    /// Which customers: the audience in words.
    var who: String
    var category = "marketing"
    var priority: Int
    /// A YAML flow mapping, `{ kind: birthday }`.
    var trigger: String
    var window = "09:00-21:00"
    var audience: [String] = []
    /// Further keys, one line each (`locale: en`).
    var extra: [String] = []
    /// The template: recognition, the core benefit with its link, the extra incentive and a deadline.
    var text: String

    var file: String { (order < 10 ? "0" : "") + "\(order)-\(id)" }

    var yaml: String {
        var lines = Self.comment("\(name). \(why)") + Self.comment("Who: \(who)")
        lines += ["id: \(id)", "name: \"\(name)\"", "category: \(category)", "priority: \(priority)", "channel: outbox",
                  "trigger: \(trigger)", "window: \"\(window)\""]
        if !audience.isEmpty { lines += ["audience:"] + audience.map { "  - \($0)" } }
        lines += extra
        lines.append("template_file: \(id).txt")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `# ` lines of at most about 110 characters.
    static func comment(_ text: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + word.count + 1 > 108 {
                lines.append("# " + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append("# " + line) }
        return lines
    }
}
