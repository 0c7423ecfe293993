import BeckonCore
import Foundation

/// The forms `beckon simulate` writes: text for a terminal, CSV for finance (one row per day and campaign),
/// JSON for scripts, and one self-contained HTML page (a calendar heat map of the days, stacked bars per month).
public enum SimulationFormat: String, Sendable, CaseIterable {
    case text, csv, json, html

    public func render(_ figures: SimulationFigures) throws -> Data {
        switch self {
        case .text: Data(SimulationText(figures).text().utf8)
        case .csv: Data(SimulationCSV(figures).table().utf8)
        case .json: try ReportFormat.jsonEncoder.encode(figures)
        case .html: Data(SimulationHTML(figures).page().utf8)
        }
    }
}

/// The columns, as the CSV header and the text table name them.
enum SimulationColumns {
    static let names = ["day", "campaign", "planned", "sent", "segments", "cost", "held_out", "held_by_caps", "held_by_budget", "stopped"]

    static func values(_ row: SimulationFigures.Row) -> [String] {
        [row.day, row.campaign, "\(row.planned)", "\(row.sent)", "\(row.segments)", String(format: "%.2f", row.cost), "\(row.heldOut)",
         "\(row.heldByCaps)", "\(row.heldByBudget)", "\(row.stopped)"]
    }
}

struct SimulationCSV {
    let figures: SimulationFigures

    init(_ figures: SimulationFigures) { self.figures = figures }

    /// RFC 4180 with a header row; the last row is the total. Costs in `currency` with two decimals, no
    /// thousands separator, so a spreadsheet reads them as numbers.
    func table() -> String {
        var lines = [(SimulationColumns.names.map { $0 == "cost" ? "cost_\(figures.currency)" : $0 }).joined(separator: ",")]
        for row in figures.rows + [figures.total] { lines.append(SimulationColumns.values(row).map(CSVField.escape).joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

struct SimulationText {
    let figures: SimulationFigures

    init(_ figures: SimulationFigures) { self.figures = figures }

    func text() -> String {
        var out = "Simulated \(figures.from) to \(figures.to) (\(figures.timeZone)) for \(figures.customers) customers: nothing was sent or changed.\n"
        if let growth = figures.growth { out += "Growth: \(growth).\n" }
        out += "\n"
        let header = SimulationColumns.names.map { $0 == "cost" ? "cost (\(figures.currency))" : $0 }
        let cells = [header] + (figures.rows + [figures.total]).map(SimulationColumns.values)
        let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        for line in cells {
            out += line.enumerated().map { column, value in
                column < 2 ? value.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - value.count) + value
            }.joined(separator: "  ") + "\n"
        }
        out += "\n"
        if figures.heldDays.isEmpty {
            out += "No day had a message held by a cap or a budget.\n"
        } else {
            out += "Days on which caps or budgets held messages (\(Set(figures.heldDays.map(\.day)).count)):\n"
            for row in figures.heldDays {
                var parts: [String] = []
                if row.heldByCaps > 0 { parts.append("\(row.heldByCaps) by caps") }
                if row.heldByBudget > 0 { parts.append("\(row.heldByBudget) by budget") }
                out += "  \(row.day) \(row.campaign): \(parts.joined(separator: ", "))\n"
            }
        }
        out += "\nPeak hour per channel:\n"
        if figures.channels.isEmpty { out += "  no message would be sent\n" }
        for channel in figures.channels {
            let capacity = channel.perHour.map { "\(Int($0)) an hour at rate \(String(format: "%g", channel.rate ?? 0))/s" } ?? "no rate limit"
            out += "  \(channel.channel): \(channel.peakMessages) messages in the hour from \(channel.peakHourStart), against \(capacity): \(channel.verdict)\n"
        }
        return out
    }
}
