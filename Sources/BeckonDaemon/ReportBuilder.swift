import BeckonConfig
import BeckonCore
import BeckonReport
import BeckonStore
import Foundation

/// Makes a report from the store and the configuration: what `beckon report` and the daily report share.
public struct ReportBuilder: Sendable {
    public var configuration: BeckonConfiguration
    public var store: any ReportStore
    /// Where conversions are credited before the report reads them; nil reads the credits as they are (a
    /// `beckon report` beside a running daemon, which credits them itself: only one process writes the store).
    public var attribution: ConversionAttribution?

    public init(configuration: BeckonConfiguration, store: any ReportStore, attributes conversions: (any ConversionStore)? = nil) {
        self.configuration = configuration
        self.store = store
        attribution = conversions.map { ConversionAttribution(store: $0, campaigns: configuration.campaigns) }
    }

    /// Each campaign's `attribution_days`: the window lift counts conversions in.
    public var attributionDays: [String: Int] {
        Dictionary(configuration.campaigns.map { ($0.id, $0.attributionDays) }, uniquingKeysWith: { first, _ in first })
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
        try attribution?.beforeReport(period)
        return ReportAssembler(settings: settings).figures(try store.reportRows(period, attributionDays: attributionDays), period: period,
                                                           generatedAt: generatedAt)
    }

    /// Writes the report atomically (a reader of the shared folder never sees half a file).
    public func write(_ period: ReportPeriod, format: ReportFormat, to file: URL, generatedAt: Date) throws {
        let data = try format.render(figures(period, generatedAt: generatedAt))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file, options: .atomic)
    }
}
