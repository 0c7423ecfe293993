import Foundation

/// Turns the store's counts into the report's figures: rates with their denominators, local-time heat maps,
/// carriers, costs, variant tests and lift. Pure: the same rows always give the same report.
public struct ReportAssembler: Sendable {
    /// What the configuration tells the report.
    public struct Settings: Sendable {
        public var defaultTimeZone: TimeZone
        /// Per channel, the price of one SMS segment.
        public var unitPrices: [String: Double]
        public var currency: String
        /// Per campaign and variant (`""` when the campaign has one text), the template a marketer wrote.
        public var templates: [String: [String: String]]
        /// The relative lift a "customers needed" estimate is computed for (0.2: +20%).
        public var detectableLift: Double

        public init(defaultTimeZone: TimeZone, unitPrices: [String: Double] = [:], currency: String = "CNY",
                    templates: [String: [String: String]] = [:], detectableLift: Double = 0.2) {
            self.defaultTimeZone = defaultTimeZone
            self.unitPrices = unitPrices
            self.currency = currency
            self.templates = templates
            self.detectableLift = detectableLift
        }
    }

    /// The statuses of a message a gateway accepted, and so billed.
    public static let billed: Set<MessageStatus> = [.queued, .sent, .delivered, .undelivered, .unknown]
    /// The statuses of a message a policy decided not to send.
    public static let heldByPolicy: Set<MessageStatus> = [.suppressed, .dropped, .expired]
    /// The reasons of held-out rows (`suppressed`, global holdout and campaign control; docs/holdout.md): no
    /// message on purpose, so they are no policy loss.
    public static let heldOutReasons: Set<String> = [Holdout.globalCode, Holdout.controlCode]

    public var settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func figures(_ rows: ReportRows, period: ReportPeriod, generatedAt: Date) -> ReportFigures {
        let funnels = funnels(rows)
        let variantResults = variantResults(rows)
        return ReportFigures(
            period: period, generatedAt: generatedAt, currency: settings.currency, funnels: funnels,
            heatMaps: heatMaps(rows.timeBuckets), carriers: carriers(rows.prefixes), channels: channels(rows),
            variants: variants(variantResults), lifts: lifts(rows.exposures), optOuts: optOuts(rows.optOuts, funnels: funnels),
            topMessages: topMessages(variantResults), botClicks: rows.clicks.map(\.botClicks).reduce(0, +),
            detectableLift: settings.detectableLift)
    }

    func funnels(_ rows: ReportRows) -> [ReportFigures.Funnel] {
        let campaigns = Set(rows.outcomes.map(\.campaign)).sorted()
        return campaigns.map { campaign in
            let outcomes = rows.outcomes.filter { $0.campaign == campaign }
            var held: [String: Int] = [:]
            var heldOut = 0, waiting = 0, failed = 0, sent = 0, delivered = 0, segments = 0
            for outcome in outcomes {
                if Self.heldOutReasons.contains(outcome.reason) {
                    heldOut += outcome.messages
                } else if Self.heldByPolicy.contains(outcome.status) {
                    held[outcome.reason.isEmpty ? outcome.status.rawValue : outcome.reason, default: 0] += outcome.messages
                } else if outcome.status == .failed {
                    failed += outcome.messages
                } else if Self.billed.contains(outcome.status) {
                    sent += outcome.messages
                    segments += outcome.segments
                    if outcome.status == .delivered { delivered += outcome.messages }
                } else {
                    waiting += outcome.messages
                }
            }
            let due = outcomes.map(\.messages).reduce(0, +)
            let clicked = rows.clicks.filter { $0.campaign == campaign }.map(\.messagesClicked).reduce(0, +)
            let conversions = rows.conversions.filter { $0.campaign == campaign }
            let clickThrough = conversions.map(\.clickThrough).reduce(0, +)
            let viewThrough = conversions.map(\.viewThrough).reduce(0, +)
            return ReportFigures.Funnel(
                campaign: campaign, due: due, heldByPolicy: held, heldOut: heldOut, waiting: waiting, failed: failed,
                sent: Proportion(sent, of: due - heldOut), delivered: Proportion(delivered, of: sent),
                clicked: Proportion(clicked, of: sent), converted: Proportion(clickThrough + viewThrough, of: sent),
                clickThrough: clickThrough, viewThrough: viewThrough, revenue: conversions.map(\.revenue).reduce(0, +),
                segments: segments)
        }
    }

    /// Buckets are quarter hours in UTC, so zones 30 or 45 minutes off the hour fall into the right local hour;
    /// each bucket's middle is placed in its customers' zone, with that day's offset (DST included).
    func heatMaps(_ buckets: [ReportRows.TimeBucket]) -> [ReportFigures.HeatMap] {
        var maps = Dictionary(uniqueKeysWithValues: ReportRows.TimeBucket.Event.allCases.map { ($0, ReportFigures.HeatMap(event: $0)) })
        var zones: [String: TimeZone] = [:]
        var calendar = Calendar(identifier: .gregorian)
        for bucket in buckets {
            let zoneKey = (bucket.zone ?? "") + "|" + bucket.phonePrefix
            let zone = zones[zoneKey] ?? {
                let resolved = Planner.timeZone(named: bucket.zone, phone: bucket.phonePrefix + "0000000", default: settings.defaultTimeZone)
                zones[zoneKey] = resolved
                return resolved
            }()
            calendar.timeZone = zone
            let instant = Date(timeIntervalSince1970: Double(bucket.quarterHour) * 900 + 450)
            let parts = calendar.dateComponents([.weekday, .hour], from: instant)
            // Calendar weekdays run 1 = Sunday ... 7 = Saturday; rows run Monday first.
            let row = ((parts.weekday ?? 1) + 5) % 7
            maps[bucket.event]!.cells[row][parts.hour ?? 0] += bucket.count
        }
        return ReportRows.TimeBucket.Event.allCases.map { maps[$0]! }
    }

    func carriers(_ prefixes: [ReportRows.PrefixOutcome]) -> [ReportFigures.DeliveryGroup] {
        var sent: [String: Int] = [:], delivered: [String: Int] = [:]
        for row in prefixes where Self.billed.contains(row.status) {
            let carrier = Carrier.name(ofPrefix: row.phonePrefix)
            sent[carrier, default: 0] += row.messages
            if row.status == .delivered { delivered[carrier, default: 0] += row.messages }
        }
        return sent.keys.sorted { (sent[$0]!, $1) > (sent[$1]!, $0) }.map { carrier in
            ReportFigures.DeliveryGroup(name: carrier, sent: sent[carrier]!, delivered: Proportion(delivered[carrier] ?? 0, of: sent[carrier]!),
                                        segments: 0, cost: nil, topFailures: [])
        }
    }

    func channels(_ rows: ReportRows) -> [ReportFigures.DeliveryGroup] {
        let names = Set(rows.outcomes.filter { Self.billed.contains($0.status) || $0.status == .failed }.map(\.channel)).sorted()
        return names.map { channel in
            let billed = rows.outcomes.filter { $0.channel == channel && Self.billed.contains($0.status) }
            let sent = billed.map(\.messages).reduce(0, +)
            let segments = billed.map(\.segments).reduce(0, +)
            let delivered = billed.filter { $0.status == .delivered }.map(\.messages).reduce(0, +)
            let failures = rows.failureCodes.filter { $0.channel == channel }
                .sorted { ($0.messages, $1.code) > ($1.messages, $0.code) }.prefix(5)
                .map { ReportFigures.CodeCount(code: $0.code.isEmpty ? "(no code)" : $0.code, messages: $0.messages) }
            return ReportFigures.DeliveryGroup(name: channel, sent: sent, delivered: Proportion(delivered, of: sent), segments: segments,
                                               cost: settings.unitPrices[channel].map { $0 * Double(segments) }, topFailures: Array(failures))
        }
    }

    func variants(_ results: [(campaign: String, result: ReportFigures.VariantResult)]) -> [ReportFigures.VariantComparison] {
        return Dictionary(grouping: results, by: \.campaign).keys.sorted().compactMap { campaign in
            let variants = results.filter { $0.campaign == campaign }.map(\.result)
            guard variants.count >= 2 else { return nil }
            let byConversions = variants.contains { $0.converted.successes > 0 }
            let groups = variants.map { byConversions ? $0.converted : $0.clicked }
            let measure = byConversions ? "conversions" : "clicks"
            let test = ChiSquaredTest(groups)
            return ReportFigures.VariantComparison(campaign: campaign, measure: measure, variants: variants, test: test,
                                                   verdict: variantVerdict(test, variants: variants, groups: groups, measure: measure))
        }
    }

    private func variantResults(_ rows: ReportRows) -> [(campaign: String, result: ReportFigures.VariantResult)] {
        var keys = Set<[String]>()
        for outcome in rows.outcomes where Self.billed.contains(outcome.status) { keys.insert([outcome.campaign, outcome.variant]) }
        return keys.sorted { $0.lexicographicallyPrecedes($1) }.map { key in
            let (campaign, variant) = (key[0], key[1])
            let billed = rows.outcomes.filter { $0.campaign == campaign && $0.variant == variant && Self.billed.contains($0.status) }
            let delivered = billed.filter { $0.status == .delivered }.map(\.messages).reduce(0, +)
            let clicked = rows.clicks.filter { $0.campaign == campaign && $0.variant == variant }.map(\.messagesClicked).reduce(0, +)
            let conversions = rows.conversions.filter { $0.campaign == campaign && $0.variant == variant }
            let converted = conversions.map { $0.clickThrough + $0.viewThrough }.reduce(0, +)
            return (campaign, ReportFigures.VariantResult(
                variant: variant, sent: billed.map(\.messages).reduce(0, +), delivered: delivered,
                clicked: Proportion(clicked, of: billed.map(\.messages).reduce(0, +)),
                converted: Proportion(converted, of: billed.map(\.messages).reduce(0, +)),
                revenue: conversions.map(\.revenue).reduce(0, +)))
        }
    }

    private func variantVerdict(_ test: ChiSquaredTest?, variants: [ReportFigures.VariantResult], groups: [Proportion], measure: String) -> String {
        let pooled = Proportion(groups.map(\.successes).reduce(0, +), of: groups.map(\.trials).reduce(0, +))
        let needed = pooled.rate.flatMap { ProportionComparison.customersNeeded(baseline: $0, relativeLift: settings.detectableLift) }
        let neededText = needed.map { "about \($0) sent messages a variant would show a \(Self.percent(settings.detectableLift, digits: 0)) difference" }
            ?? "nothing to estimate a sample from yet"
        guard let test else { return "nothing to compare yet: \(neededText)" }
        let p = Self.pValue(test.pValue)
        if test.tooSmall { return "too small to tell: \(neededText)" }
        guard test.significant else { return "no difference shown (chi-squared \(p)); \(neededText)" }
        let ranked = zip(variants, groups).sorted { ($0.1.rate ?? 0) > ($1.1.rate ?? 0) }
        let best = ranked[0], next = ranked[1]
        return "variant \(best.0.variant.isEmpty ? "(default)" : best.0.variant) leads on \(measure): " +
            "\(Self.percent(best.1.rate ?? 0)) against \(Self.percent(next.1.rate ?? 0)) (chi-squared \(p))"
    }

    func lifts(_ exposures: [ReportRows.Exposure]) -> [ReportFigures.Lift] {
        exposures.sorted { $0.campaign < $1.campaign }.map { exposure in
            let comparison = ProportionComparison(treated: exposure.treated, control: exposure.control)
            let needed = exposure.control.rate.flatMap { ProportionComparison.customersNeeded(baseline: $0, relativeLift: settings.detectableLift) }
            let neededText = needed.map { "about \($0) customers a group would show a \(Self.percent(settings.detectableLift, digits: 0)) relative lift" }
                ?? "the control converted nobody yet: no baseline to size a sample from"
            let verdict: String
            if let comparison {
                if comparison.tooSmall {
                    verdict = "too small to tell: \(neededText)"
                } else if comparison.significant {
                    verdict = (comparison.absoluteLift > 0 ? "the campaign brought customers back" : "the campaign did worse than no message") +
                        ": \(Self.signedPoints(comparison.absoluteLift)) (95% interval \(Self.signedPoints(comparison.absoluteInterval.lowerBound)) to " +
                        "\(Self.signedPoints(comparison.absoluteInterval.upperBound)), \(Self.pValue(comparison.pValue)))"
                } else {
                    verdict = "no lift shown (\(Self.pValue(comparison.pValue))); \(neededText)"
                }
            } else {
                verdict = exposure.control.trials == 0 ? "no control group in this period" : "nobody was sent in this period"
            }
            return ReportFigures.Lift(campaign: exposure.campaign, comparison: comparison, treated: exposure.treated,
                                      control: exposure.control, verdict: verdict)
        }
    }

    func optOuts(_ replies: [ReportRows.OptOuts], funnels: [ReportFigures.Funnel]) -> [ReportFigures.OptOutCount] {
        let sent = Dictionary(uniqueKeysWithValues: funnels.map { ($0.campaign, $0.sent.successes) })
        return replies.sorted { $0.campaign < $1.campaign }.map {
            ReportFigures.OptOutCount(campaign: $0.campaign, replies: Proportion($0.replies, of: sent[$0.campaign] ?? 0))
        }
    }

    func topMessages(_ results: [(campaign: String, result: ReportFigures.VariantResult)]) -> [ReportFigures.TopMessage] {
        let ranked = results.map { entry in
            ReportFigures.TopMessage(campaign: entry.campaign, variant: entry.result.variant,
                                     text: settings.templates[entry.campaign]?[entry.result.variant] ?? settings.templates[entry.campaign]?[""] ?? "",
                                     sent: entry.result.sent, clicked: entry.result.clicked.successes, converted: entry.result.converted,
                                     revenue: entry.result.revenue)
        }
        return Array(ranked.sorted {
            ($0.converted.successes, $0.clicked, $0.converted.rate ?? 0, $1.campaign, $1.variant) >
                ($1.converted.successes, $1.clicked, $1.converted.rate ?? 0, $0.campaign, $0.variant)
        }.prefix(20))
    }

    static func percent(_ value: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f%%", value * 100) }
    static func signedPoints(_ value: Double) -> String { String(format: "%+.2f points", value * 100) }
    static func pValue(_ p: Double) -> String { p < 0.001 ? "p < 0.001" : String(format: "p = %.3f", p) }
}
