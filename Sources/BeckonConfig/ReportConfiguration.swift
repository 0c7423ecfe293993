/// The `report:` section of `etc/beckon.yaml`.
///
/// ```yaml
/// report:
///   currency: CNY        # the unit of the channels' unit_price, printed beside costs
///   detectable_lift: 20% # the relative lift a "customers needed" estimate is for
///   daily: true          # beckon run writes outbox/reports/YYYY-MM-DD.html for each finished day (and hygiene-YYYY-MM.csv)
/// ```
public struct ReportConfiguration: Sendable, Hashable {
    public var currency = "CNY"
    public var detectableLift = 0.2
    public var daily = true

    public init() {}

    static let keys: Set<String> = ["currency", "detectable_lift", "daily"]

    static func parse(_ node: ConfigNode) throws -> ReportConfiguration {
        try node.rejectUnknownKeys(keys)
        var configuration = ReportConfiguration()
        if let currency = try node.optional("currency") {
            configuration.currency = try currency.string()
            guard !configuration.currency.isEmpty, configuration.currency.count <= 8 else { throw currency.error("a currency code such as CNY") }
        }
        if let lift = try node.optional("detectable_lift") {
            let text = try lift.string().trimmingCharacters(in: .whitespaces)
            guard text.hasSuffix("%"), let percent = Double(text.dropLast()), percent > 0, percent <= 500 else {
                throw lift.error("a relative lift in percent, such as 20%, above 0% and at most 500%")
            }
            configuration.detectableLift = percent / 100
        }
        if let daily = try node.optional("daily") { configuration.daily = try daily.bool() }
        return configuration
    }
}
