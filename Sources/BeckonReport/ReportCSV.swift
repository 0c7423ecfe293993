import BeckonCore
import Foundation

/// The report as one long table (`section, campaign, variant, measure, value, of`): a spreadsheet pivots it into
/// any view, and every rate keeps its denominator beside it.
struct ReportCSV {
    let figures: ReportFigures
    private var lines = ["section,campaign,variant,measure,value,of"]

    init(_ figures: ReportFigures) {
        self.figures = figures
    }

    func table() -> String {
        var table = self
        table.fill()
        return table.lines.joined(separator: "\r\n") + "\r\n"
    }

    private mutating func fill() {
        for funnel in figures.funnels {
            let c = funnel.campaign
            add("funnel", c, "", "due", funnel.due)
            for (reason, count) in funnel.heldByPolicy.sorted(by: { $0.key < $1.key }) { add("funnel", c, "", "held:\(reason)", count, of: funnel.due) }
            add("funnel", c, "", "held_out", funnel.heldOut, of: funnel.due)
            add("funnel", c, "", "waiting", funnel.waiting, of: funnel.due)
            add("funnel", c, "", "failed", funnel.failed, of: funnel.due)
            add("funnel", c, "", "sent", funnel.sent)
            add("funnel", c, "", "delivered", funnel.delivered)
            add("funnel", c, "", "clicked", funnel.clicked)
            add("funnel", c, "", "converted", funnel.converted)
            add("funnel", c, "", "converted_click_through", funnel.clickThrough)
            add("funnel", c, "", "converted_view_through", funnel.viewThrough)
            add("funnel", c, "", "revenue", money(funnel.revenue))
            add("funnel", c, "", "segments", funnel.segments)
        }
        for map in figures.heatMaps {
            for (day, hours) in map.cells.enumerated() {
                for (hour, count) in hours.enumerated() where count > 0 {
                    add("heat_map", "", "", "\(map.event.rawValue):\(ReportHTML.dayNames[day]):\(String(format: "%02d", hour))", count)
                }
            }
        }
        for group in figures.carriers { add("carrier", "", "", "delivered:\(group.name)", group.delivered) }
        for group in figures.channels {
            add("channel", "", "", "delivered:\(group.name)", group.delivered)
            add("channel", "", "", "segments:\(group.name)", group.segments)
            if let cost = group.cost { add("channel", "", "", "cost_\(figures.currency):\(group.name)", money(cost)) }
            for failure in group.topFailures { add("channel", "", "", "failure:\(group.name):\(failure.code)", failure.messages) }
        }
        for comparison in figures.variants {
            for variant in comparison.variants {
                add("variant", comparison.campaign, variant.variant, "clicked", variant.clicked)
                add("variant", comparison.campaign, variant.variant, "converted", variant.converted)
            }
            if let test = comparison.test { add("variant", comparison.campaign, "", "chi_squared_p_\(comparison.measure)", String(format: "%.6f", test.pValue)) }
            add("variant", comparison.campaign, "", "verdict", comparison.verdict)
        }
        for lift in figures.lifts {
            add("lift", lift.campaign, "", "treated_converted", lift.treated)
            add("lift", lift.campaign, "", "control_converted", lift.control)
            if let comparison = lift.comparison {
                add("lift", lift.campaign, "", "absolute_lift", String(format: "%.6f", comparison.absoluteLift))
                add("lift", lift.campaign, "", "absolute_lift_95_low", String(format: "%.6f", comparison.absoluteInterval.lowerBound))
                add("lift", lift.campaign, "", "absolute_lift_95_high", String(format: "%.6f", comparison.absoluteInterval.upperBound))
                add("lift", lift.campaign, "", "p_value", String(format: "%.6f", comparison.pValue))
            }
            add("lift", lift.campaign, "", "verdict", lift.verdict)
        }
        for optOut in figures.optOuts { add("opt_outs", optOut.campaign, "", "replies", optOut.replies) }
        for (rank, message) in figures.topMessages.enumerated() {
            add("top_messages", message.campaign, message.variant, "rank_\(rank + 1)_converted", message.converted)
            add("top_messages", message.campaign, message.variant, "rank_\(rank + 1)_text", message.text)
        }
        add("total", "", "", "segments", figures.segments)
        if let cost = figures.cost { add("total", "", "", "cost_\(figures.currency)", money(cost)) }
        add("total", "", "", "bot_clicks", figures.botClicks)
    }

    private func money(_ value: Double) -> String { String(format: "%.2f", value) }

    private mutating func add(_ section: String, _ campaign: String, _ variant: String, _ measure: String, _ proportion: Proportion) {
        add(section, campaign, variant, measure, proportion.successes, of: proportion.trials)
    }

    private mutating func add(_ section: String, _ campaign: String, _ variant: String, _ measure: String, _ value: Int, of: Int? = nil) {
        add(section, campaign, variant, measure, String(value), of: of)
    }

    private mutating func add(_ section: String, _ campaign: String, _ variant: String, _ measure: String, _ value: String, of: Int? = nil) {
        lines.append([section, campaign, variant, measure, value, of.map(String.init) ?? ""].map(Self.field).joined(separator: ","))
    }

    /// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs a
    /// campaign name or a template text as a formula.
    static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
