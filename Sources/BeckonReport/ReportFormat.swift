import BeckonCore
import Foundation

/// The forms a report is written in: one self-contained HTML page for people, CSV and JSON for spreadsheets
/// and scripts. All three render the same `ReportFigures`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case html, csv, json

    public func render(_ figures: ReportFigures) throws -> Data {
        switch self {
        case .html: Data(ReportHTML(figures).page().utf8)
        case .csv: Data(ReportCSV(figures).table().utf8)
        case .json: try Self.jsonEncoder.encode(figures)
        }
    }

    static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }
}
