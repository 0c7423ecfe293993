import BeckonCore
import Foundation

/// The report as one HTML page with nothing outside it: inline CSS and SVG, no script, no font, no image to
/// fetch, and a Content-Security-Policy that forbids every request, so it opens the same from a shared folder,
/// offline, years later. Elements carry `data-` attributes with the raw numbers, for tests and for people who
/// copy them.
struct ReportHTML {
    static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    let figures: ReportFigures

    init(_ figures: ReportFigures) {
        self.figures = figures
    }

    func page() -> String {
        let period = figures.period
        let title = "Beckon report \(period.from) to \(period.to)" + (period.campaign.map { ", campaign \($0)" } ?? "")
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(Self.style)</style>
            </head><body>
            <h1>\(escape(title))</h1>
            <p class="meta">Messages whose local day (in each customer's zone) falls from \(period.from) to \(period.to).
            Made \(escape(ISO8601DateFormatter().string(from: figures.generatedAt))).</p>

            """
        if figures.isEmpty {
            html += "<p class=\"empty\" id=\"empty\">No campaign had a message due in this period: there is nothing to report.</p>\n"
        }
        html += funnelSection() + heatMapSection() + deliverySection() + variantSection() + liftSection() + optOutSection() + topSection()
        html += "</body></html>\n"
        return html
    }

    // MARK: Sections

    private func funnelSection() -> String {
        var html = "<section id=\"funnel\"><h2>Funnel per campaign</h2>\n"
        guard !figures.funnels.isEmpty else { return html + "<p class=\"empty\">No messages in this period.</p></section>\n" }
        html += """
            <p class="note">Due: every message a calendar made due. Sent: accepted by a gateway (billed), of those not held out.
            Delivered, clicked (a person's click, bots excluded) and converted: of sent.</p>
            <table><thead><tr><th>Campaign</th><th>Due</th><th>Held by policy</th><th>Held out</th><th>Waiting</th><th>Failed</th>
            <th>Sent</th><th>Delivered</th><th>Clicked</th><th>Converted</th><th>Revenue</th></tr></thead><tbody>

            """
        for funnel in figures.funnels {
            let reasons = funnel.heldByPolicy.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "<li data-reason=\"\(escape($0.key))\">\(escape($0.key)): \(count($0.value))</li>" }.joined()
            html += "<tr data-campaign=\"\(escape(funnel.campaign))\"><th>\(escape(funnel.campaign))</th>"
            html += cell("due", funnel.due) + "<td data-stage=\"held\" data-count=\"\(funnel.heldTotal)\">\(count(funnel.heldTotal))"
            html += reasons.isEmpty ? "</td>" : "<ul>\(reasons)</ul></td>"
            html += cell("held_out", funnel.heldOut) + cell("waiting", funnel.waiting) + cell("failed", funnel.failed)
            html += rateCell("sent", funnel.sent) + rateCell("delivered", funnel.delivered) + rateCell("clicked", funnel.clicked)
            html += rateCell("converted", funnel.converted, detail: "\(count(funnel.clickThrough)) after a click, \(count(funnel.viewThrough)) without")
            html += "<td data-stage=\"revenue\">\(money(funnel.revenue))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private func heatMapSection() -> String {
        var html = "<section id=\"heatmaps\"><h2>When: day of week and hour, in the customers' local time</h2>\n"
        for map in figures.heatMaps { html += heatMap(map) }
        return html + "</section>\n"
    }

    private func heatMap(_ map: ReportFigures.HeatMap) -> String {
        let label = ["delivered": "Deliveries", "clicked": "Clicks (people)", "converted": "Conversions"][map.event.rawValue] ?? map.event.rawValue
        var html = "<figure class=\"heat\" data-event=\"\(map.event.rawValue)\" data-total=\"\(map.total)\"><figcaption>\(label): \(count(map.total))"
        guard map.total > 0 else { return html + ", none in this period.</figcaption></figure>\n" }
        html += ", at most \(count(map.maximum)) in one hour.</figcaption>\n"
        let size = 22, left = 40, top = 18
        let width = left + 24 * size + 4, height = top + 7 * size + 4
        html += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(label) by day and hour\">\n"
        for hour in 0..<24 where hour % 2 == 0 {
            html += "<text x=\"\(left + hour * size + size / 2)\" y=\"12\" text-anchor=\"middle\" class=\"axis\">\(hour)</text>"
        }
        for (day, hours) in map.cells.enumerated() {
            html += "<text x=\"0\" y=\"\(top + day * size + 15)\" class=\"axis\">\(Self.dayNames[day])</text>"
            for (hour, value) in hours.enumerated() {
                // Square root scale: a quiet hour next to a peak stays visible.
                let shade = value == 0 ? 0 : 0.12 + 0.88 * (Double(value) / Double(map.maximum)).squareRoot()
                html += "<rect class=\"cell\" data-day=\"\(Self.dayNames[day])\" data-hour=\"\(hour)\" data-count=\"\(value)\" "
                html += "x=\"\(left + hour * size)\" y=\"\(top + day * size)\" width=\"\(size - 2)\" height=\"\(size - 2)\" "
                html += "fill=\"\(value == 0 ? "#f1f3f5" : "rgba(12,110,180,\(String(format: "%.3f", shade)))")\">"
                html += "<title>\(Self.dayNames[day]) \(String(format: "%02d", hour)):00: \(value)</title></rect>"
            }
            html += "\n"
        }
        return html + "</svg></figure>\n"
    }

    private func deliverySection() -> String {
        var html = "<section id=\"delivery\"><h2>Delivery per carrier and per channel</h2>\n"
        if figures.carriers.isEmpty { return html + "<p class=\"empty\">Nothing was sent in this period.</p></section>\n" }
        html += "<table id=\"carriers\"><thead><tr><th>Carrier (number prefix)</th><th>Sent</th><th>Delivered</th></tr></thead><tbody>\n"
        for carrier in figures.carriers {
            html += "<tr data-carrier=\"\(escape(carrier.name))\"><th>\(escape(carrier.name))</th>\(cell("sent", carrier.sent))\(rateCell("delivered", carrier.delivered))</tr>\n"
        }
        html += "</tbody></table>\n<table id=\"channels\"><thead><tr><th>Channel</th><th>Sent</th><th>Delivered</th><th>Segments billed</th>"
        html += "<th>Cost (\(escape(figures.currency)))</th><th>Top failure codes</th></tr></thead><tbody>\n"
        for channel in figures.channels {
            let failures = channel.topFailures.map { "<li>\(escape($0.code)): \(count($0.messages))</li>" }.joined()
            html += "<tr data-channel=\"\(escape(channel.name))\"><th>\(escape(channel.name))</th>\(cell("sent", channel.sent))\(rateCell("delivered", channel.delivered))"
            html += cell("segments", channel.segments) + "<td data-stage=\"cost\">\(channel.cost.map(money) ?? "no unit_price")</td>"
            html += "<td>\(failures.isEmpty ? "none" : "<ul>\(failures)</ul>")</td></tr>\n"
        }
        html += "</tbody><tfoot><tr><th>Total</th><td></td><td></td>\(cell("segments", figures.segments))"
        html += "<td data-stage=\"cost\">\(figures.cost.map(money) ?? "no unit_price")</td><td></td></tr></tfoot></table>\n"
        return html + "</section>\n"
    }

    private func variantSection() -> String {
        var html = "<section id=\"variants\"><h2>Variants</h2>\n"
        guard !figures.variants.isEmpty else { return html + "<p class=\"empty\">No campaign sent more than one variant in this period.</p></section>\n" }
        for comparison in figures.variants {
            html += "<h3>\(escape(comparison.campaign))</h3><table data-campaign=\"\(escape(comparison.campaign))\"><thead><tr><th>Variant</th><th>Sent</th>"
            html += "<th>Clicked</th><th>Converted</th><th>95% interval (\(comparison.measure) rate)</th><th>Revenue</th></tr></thead><tbody>\n"
            for variant in comparison.variants {
                let measured = comparison.measure == "conversions" ? variant.converted : variant.clicked
                html += "<tr data-variant=\"\(escape(variant.variant))\"><th>\(escape(variant.variant.isEmpty ? "(default)" : variant.variant))</th>"
                html += cell("sent", variant.sent) + rateCell("clicked", variant.clicked) + rateCell("converted", variant.converted)
                html += "<td>\(measured.interval.map { "\(percent($0.lowerBound)) to \(percent($0.upperBound))" } ?? "n/a")</td>"
                html += "<td>\(money(variant.revenue))</td></tr>\n"
            }
            html += "</tbody></table><p class=\"verdict\">\(escape(comparison.verdict))</p>\n"
        }
        return html + "</section>\n"
    }

    private func liftSection() -> String {
        var html = "<section id=\"lift\"><h2>Lift against the control group</h2>\n"
        guard !figures.lifts.isEmpty else { return html + "<p class=\"empty\">No campaign had a control group or holdout in this period.</p></section>\n" }
        html += "<p class=\"note\">Converted within the attribution window after the message, or after the moment it would have gone for the control.</p>\n"
        html += "<table><thead><tr><th>Campaign</th><th>Sent group</th><th>Control</th><th>Lift (points)</th><th>95% interval</th><th>Relative</th><th>Verdict</th></tr></thead><tbody>\n"
        for lift in figures.lifts {
            html += "<tr data-campaign=\"\(escape(lift.campaign))\"><th>\(escape(lift.campaign))</th>\(rateCell("treated", lift.treated))\(rateCell("control", lift.control))"
            if let comparison = lift.comparison {
                html += "<td data-lift=\"\(comparison.absoluteLift)\">\(points(comparison.absoluteLift))</td>"
                html += "<td data-low=\"\(comparison.absoluteInterval.lowerBound)\" data-high=\"\(comparison.absoluteInterval.upperBound)\">"
                html += "\(points(comparison.absoluteInterval.lowerBound)) to \(points(comparison.absoluteInterval.upperBound))</td>"
                html += "<td>\(comparison.relativeLift.map { percent($0) } ?? "n/a")</td>"
            } else {
                html += "<td>n/a</td><td>n/a</td><td>n/a</td>"
            }
            html += "<td class=\"verdict\">\(escape(lift.verdict))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private func optOutSection() -> String {
        var html = "<section id=\"optouts\"><h2>Opt-out replies per campaign</h2>\n"
        guard !figures.optOuts.isEmpty else { return html + "<p class=\"empty\">No opt-out replies to this period's messages.</p></section>\n" }
        html += "<table><thead><tr><th>Campaign</th><th>Replies (of sent)</th></tr></thead><tbody>\n"
        for optOut in figures.optOuts {
            html += "<tr data-campaign=\"\(escape(optOut.campaign))\"><th>\(escape(optOut.campaign))</th>\(rateCell("opt_outs", optOut.replies))</tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private func topSection() -> String {
        var html = "<section id=\"top\"><h2>Top \(figures.topMessages.count) messages by conversion</h2>\n"
        guard !figures.topMessages.isEmpty else { return html + "<p class=\"empty\">No message was sent in this period.</p></section>\n" }
        html += "<table><thead><tr><th>#</th><th>Campaign / variant</th><th>Text (template)</th><th>Sent</th><th>Clicked</th><th>Converted</th><th>Revenue</th></tr></thead><tbody>\n"
        for (rank, message) in figures.topMessages.enumerated() {
            html += "<tr data-rank=\"\(rank + 1)\"><td>\(rank + 1)</td><th>\(escape(message.campaign))\(message.variant.isEmpty ? "" : " / " + escape(message.variant))</th>"
            html += "<td class=\"text\">\(escape(message.text))</td>\(cell("sent", message.sent))\(cell("clicked", message.clicked))"
            html += rateCell("converted", message.converted) + "<td>\(money(message.revenue))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    // MARK: Cells

    private func cell(_ stage: String, _ value: Int) -> String {
        "<td data-stage=\"\(stage)\" data-count=\"\(value)\">\(count(value))</td>"
    }

    /// A rate is never shown without its denominator.
    private func rateCell(_ stage: String, _ proportion: Proportion, detail: String? = nil) -> String {
        let rate = proportion.rate.map { " (\(percent($0)))" } ?? ""
        var html = "<td data-stage=\"\(stage)\" data-count=\"\(proportion.successes)\" data-of=\"\(proportion.trials)\">"
        html += "\(count(proportion.successes)) of \(count(proportion.trials))\(rate)"
        if let detail { html += "<br><small>\(escape(detail))</small>" }
        return html + "</td>"
    }

    private func count(_ value: Int) -> String { value.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US_POSIX"))) }
    private func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    private func points(_ value: Double) -> String { String(format: "%+.2f", value * 100) }
    private func money(_ value: Double) -> String { String(format: "%.2f", value) }

    func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static let style = """
        body{font:14px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;margin:24px;color:#1d2330;max-width:1200px}
        h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #dde1e6}h3{font-size:15px}
        table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #dde1e6;padding:4px 8px;text-align:right;vertical-align:top}
        th{text-align:left;background:#f7f8fa}td ul{margin:0;padding-left:16px;text-align:left}
        td.text{text-align:left;max-width:420px}.meta,.note{color:#5b6472}.empty{color:#8a5a00;background:#fff8e6;padding:8px}
        .verdict{font-weight:600}svg .axis{font-size:10px;fill:#5b6472}figure{margin:12px 0}small{color:#5b6472}
        """
}
