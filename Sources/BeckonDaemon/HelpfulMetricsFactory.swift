import Metrics
import Prometheus

/// swift-metrics into the Prometheus registry, with a `# HELP` line for every Beckon metric.
///
/// swift-prometheus' own factory registers every metric with empty help text (swift-metrics has no place for
/// it), which `promtool check metrics` rejects and leaves an operator guessing. This factory makes the same
/// registry objects through the registry's `help:` API, looking the text up by name; anything else goes
/// through unchanged.
struct HelpfulMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let fallback: PrometheusMetricsFactory

    /// What each metric means, as `/metrics` prints it. Every metric Beckon makes through swift-metrics must be
    /// listed here (the server registers its unknown/overdue gauges with the registry directly, help included):
    /// the metrics test checks the whole exposition with a real Prometheus linter. A name must not be both here
    /// and registered directly with another text: the registry traps on two help texts for one name.
    static let help: [String: String] = [
        "beckon_messages_total": "Dispatch outcomes by campaign, channel and status (sent, failed, retry, suppressed, deferred, ...).",
        "beckon_dispatch_seconds": "Time a gateway took to answer one send request, by channel.",
        "beckon_decisions_total": "Occurrences the policy decided not to send at planning time, by reason code.",
        "beckon_inbox_files_total": "Inbox files taken, by outcome (imported, rejected, ...).",
        "beckon_queue_depth": "Messages scheduled and waiting for their send time.",
        "beckon_delivery_reports_total": "Delivery reports received, by channel and result.",
        "beckon_replies_total": "Customer replies received, by channel and result (opt_out, opt_in, review, ignored).",
        "beckon_link_clicks_total": "Requests for tracked links that were redirected and recorded, bots' included.",
        "beckon_link_unique_clicks_total": "Tracked-link clicks that were a message's first click by a person (at most one per message).",
        "beckon_link_bot_clicks_total": "Tracked-link clicks suspected to be a bot's (link-preview or crawler user agent, HEAD, within 2 s of delivery).",
        "beckon_link_not_found_total": "Requests to the redirect listener answered 404: unknown, malformed or expired tokens, other paths.",
        "beckon_held_out_total": "Messages not sent because the customer is held out to measure lift, by campaign and group (global holdout or the campaign's control).",
        "beckon_link_clicks_dropped_total": "Clicks not recorded because too many were waiting for the store.",
        "beckon_conversions_total": "Conversions (orders, visits, renewals from conversions files) credited to a campaign's last delivered message in its attribution window, by campaign and through (click: a person clicked the message's link first; view: no click); one per customer per message window.",
        "beckon_conversion_revenue_total": "Amounts of the conversions credited to a campaign, later ones inside a message's window included, by campaign.",
    ]

    /// The whole name as the metric name, so the registry uses it as it is and prints the help.
    static func descriptor(_ label: String) -> MetricNameDescriptor? {
        help[label].map { MetricNameDescriptor(metricName: label, unitName: "", helpText: $0) }
    }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        fallback = PrometheusMetricsFactory(registry: registry)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let name = Self.descriptor(label) else { return fallback.makeCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(descriptor: name, labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        guard let name = Self.descriptor(label) else { return fallback.makeFloatingPointCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(descriptor: name, labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard !aggregate, let name = Self.descriptor(label) else {
            return fallback.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        return registry.makeGauge(descriptor: name, labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let name = Self.descriptor(label) else { return fallback.makeMeter(label: label, dimensions: dimensions) }
        return registry.makeGauge(descriptor: name, labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let name = Self.descriptor(label) else { return fallback.makeTimer(label: label, dimensions: dimensions) }
        return registry.makeDurationHistogram(descriptor: name, labels: dimensions, buckets: fallback.defaultDurationHistogramBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { fallback.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { fallback.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { fallback.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { fallback.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { fallback.destroyTimer(handler) }
}
