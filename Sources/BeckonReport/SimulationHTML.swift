import BeckonCore
import Foundation

/// The simulated year as one HTML page with nothing outside it, like the report (`ReportHTML`): inline CSS and
/// SVG, no script, a Content-Security-Policy that forbids every request. A calendar heat map shows each day's
/// messages (weeks as columns, Monday on top), stacked bars each month's messages per campaign, then the
/// channels' peak hours and the days caps or budgets held messages. Elements carry `data-` attributes with the
/// raw numbers.
struct SimulationHTML {
    let figures: SimulationFigures

    init(_ figures: SimulationFigures) { self.figures = figures }

    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    func page() -> String {
        let title = "Beckon simulation \(figures.from) to \(figures.to)"
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(ReportHTML.style)</style>
            </head><body>
            <h1>\(escape(title))</h1>
            <p class="meta">\(figures.customers) customers, days in \(escape(figures.timeZone)); nothing was sent or changed.
            \(figures.growth.map { "Growth: " + escape($0) + "." } ?? "")</p>
            <p id="total" data-sent="\(figures.total.sent)" data-segments="\(figures.total.segments)" data-cost="\(money(figures.total.cost))">
            In all: \(figures.total.sent) messages, \(figures.total.segments) segments, \(money(figures.total.cost)) \(escape(figures.currency)).</p>

            """
        html += heatMap() + monthBars() + channelSection() + heldSection()
        html += "</body></html>\n"
        return html
    }

    private func heatMap() -> String {
        guard let first = LocalDate(iso: figures.from), let last = LocalDate(iso: figures.to), first <= last else { return "" }
        let sent = Dictionary(figures.days.map { ($0.day, $0.sent) }, uniquingKeysWith: +)
        let busiest = max(1, sent.values.max() ?? 0)
        // Columns are weeks from the Monday on or before the first day.
        let weekday = (first.dayNumber + 3) % 7  // 1970-01-01 was a Thursday: 0 = Monday.
        let origin = first.dayNumber - weekday
        let weeks = (last.dayNumber - origin) / 7 + 1
        let cell = 12, gap = 2, left = 30, top = 16
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"heatmap\" width=\"\(left + weeks * (cell + gap))\" height=\"\(top + 7 * (cell + gap))\" role=\"img\" aria-label=\"messages per day\">\n"
        for (row, name) in ReportHTML.dayNames.enumerated() where row % 2 == 0 {
            svg += "<text x=\"0\" y=\"\(top + row * (cell + gap) + cell - 2)\" font-size=\"10\">\(name)</text>\n"
        }
        var labelled = Set<Int>()
        for number in first.dayNumber...last.dayNumber {
            let day = LocalDate(dayNumber: number)
            let column = (number - origin) / 7, row = (number - origin) % 7
            let x = left + column * (cell + gap), y = top + row * (cell + gap)
            if day.day == 1 || number == first.dayNumber, labelled.insert(day.year * 12 + day.month).inserted {
                svg += "<text x=\"\(x)\" y=\"10\" font-size=\"10\">\(String(format: "%04d-%02d", day.year, day.month))</text>\n"
            }
            let count = sent[day.description] ?? 0
            let shade = count == 0 ? "#ebedf0" : Self.shade(Double(count) / Double(busiest))
            svg += "<rect class=\"day\" data-day=\"\(day)\" data-sent=\"\(count)\" x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(shade)\"><title>\(day): \(count) messages</title></rect>\n"
        }
        svg += "</svg>\n"
        return "<section id=\"calendar\"><h2>Messages per day</h2>\n<p class=\"note\">Darker: more messages (the busiest day, \(busiest), is darkest).</p>\n\(svg)</section>\n"
    }

    /// From pale to dark blue as `fraction` goes from 0 to 1.
    static func shade(_ fraction: Double) -> String {
        let f = min(1, max(0, fraction))
        let (r, g, b) = (198.0 - 170 * f, 219.0 - 150 * f, 239.0 - 110 * f)
        return String(format: "#%02x%02x%02x", Int(r), Int(g), Int(b))
    }

    private func monthBars() -> String {
        var months: [String] = []
        var stacks: [String: [String: Int]] = [:]
        for row in figures.rows where row.sent > 0 {
            let month = String(row.day.prefix(7))
            if stacks[month] == nil { months.append(month) }
            stacks[month, default: [:]][row.campaign, default: 0] += row.sent
        }
        let campaigns = Array(Set(figures.rows.map(\.campaign))).sorted()
        guard !months.isEmpty else { return "<section id=\"months\"><h2>Messages per month</h2><p class=\"empty\">No message would be sent.</p></section>\n" }
        let tallest = max(1, stacks.values.map { $0.values.reduce(0, +) }.max() ?? 0)
        let width = 48, gap = 12, height = 220, left = 10, top = 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"monthbars\" width=\"\(left + months.count * (width + gap))\" height=\"\(top + height + 30)\" role=\"img\" aria-label=\"messages per month and campaign\">\n"
        for (index, month) in months.enumerated() {
            let x = left + index * (width + gap)
            var y = Double(top + height)
            for (c, campaign) in campaigns.enumerated() {
                guard let value = stacks[month]?[campaign], value > 0 else { continue }
                let h = Double(value) / Double(tallest) * Double(height)
                y -= h
                svg += "<rect class=\"bar\" data-month=\"\(month)\" data-campaign=\"\(escape(campaign))\" data-sent=\"\(value)\" x=\"\(x)\" y=\"\(String(format: "%.1f", y))\" width=\"\(width)\" height=\"\(String(format: "%.1f", h))\" fill=\"\(Self.palette[c % Self.palette.count])\"><title>\(month) \(escape(campaign)): \(value)</title></rect>\n"
            }
            svg += "<text x=\"\(x)\" y=\"\(top + height + 16)\" font-size=\"10\">\(month)</text>\n"
        }
        svg += "</svg>\n"
        let legend = campaigns.enumerated().map { c, campaign in
            "<li><span style=\"display:inline-block;width:10px;height:10px;background:\(Self.palette[c % Self.palette.count])\"></span> \(escape(campaign))</li>"
        }.joined()
        return "<section id=\"months\"><h2>Messages per month</h2>\n\(svg)<ul class=\"legend\">\(legend)</ul></section>\n"
    }

    private func channelSection() -> String {
        var html = "<section id=\"channels\"><h2>Peak hour per channel</h2>\n<table><thead><tr><th>Channel</th><th>Busiest hour</th><th>Messages</th><th>Rate x 3600</th><th>Verdict</th></tr></thead><tbody>\n"
        for channel in figures.channels {
            html += "<tr data-channel=\"\(escape(channel.channel))\" data-peak=\"\(channel.peakMessages)\" data-behind=\"\(channel.minutesBehind)\"><th>\(escape(channel.channel))</th>"
            html += "<td>\(escape(channel.peakHourStart))</td><td>\(channel.peakMessages)</td><td>\(channel.perHour.map { "\(Int($0))" } ?? "unlimited")</td><td>\(escape(channel.verdict))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private func heldSection() -> String {
        var html = "<section id=\"held\"><h2>Days caps or budgets held messages</h2>\n"
        guard !figures.heldDays.isEmpty else { return html + "<p class=\"empty\">None.</p></section>\n" }
        html += "<table><thead><tr><th>Day</th><th>Campaign</th><th>By caps</th><th>By budget</th></tr></thead><tbody>\n"
        for row in figures.heldDays {
            html += "<tr data-day=\"\(row.day)\" data-campaign=\"\(escape(row.campaign))\"><td>\(row.day)</td><td>\(escape(row.campaign))</td><td>\(row.heldByCaps)</td><td>\(row.heldByBudget)</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private func money(_ value: Double) -> String { String(format: "%.2f", value) }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
