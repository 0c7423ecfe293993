import BeckonConfig
import BeckonCore
import BeckonReport
import BeckonStore
import Foundation

/// Makes a report from the store and the configuration: what `beckon report` and the daily report share.
public struct ReportBuilder: Sendable {
    public var configuration: BeckonConfiguration
    public var store: any ReportStore

    public init(configuration: BeckonConfiguration, store: any ReportStore) {
        self.configuration = configuration
        self.store = store
    }

    public var settings: ReportAssembler.Settings {
        var templates: [String: [String: String]] = [:]
        for campaign in configuration.campaigns {
            var texts = ["": campaign.template.source]
            for variant in campaign.variants { texts[variant.id] = variant.template.source }
            templates[campaign.id] = texts
        }
        return ReportAssembler.Settings(
            defaultTimeZone: configuration.timeZone,
            unitPrices: Dictionary(configuration.channels.compactMap { channel in channel.unitPrice.map { (channel.id, $0) } }, uniquingKeysWith: { a, _ in a }),
            currency: configuration.report.currency, templates: templates, detectableLift: configuration.report.detectableLift)
    }

    public func figures(_ period: ReportPeriod, generatedAt: Date) throws -> ReportFigures {
        ReportAssembler(settings: settings).figures(try store.reportRows(period, attributionDays: [:]), period: period, generatedAt: generatedAt)
    }

    /// Writes the report atomically (a reader of the shared folder never sees half a file).
    public func write(_ period: ReportPeriod, format: ReportFormat, to file: URL, generatedAt: Date) throws {
        let data = try format.render(figures(period, generatedAt: generatedAt))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file, options: .atomic)
    }
}
