import BeckonServer
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The daemon: Beckon's services in one `ServiceGroup`, which owns signal handling.
public enum BeckonDaemon {
    /// Where every metric lands; `/metrics` emits it. Bootstrapped once per process by `bootstrapMetrics`,
    /// which must run before the engine is made: metrics made earlier (the dispatcher's latency timers) would
    /// belong to the no-op backend and never appear.
    public static let registry = PrometheusCollectorRegistry()

    public static func bootstrapMetrics() {
        MetricsSystem.bootstrap(HelpfulMetricsFactory(registry: registry))
    }

    /// The cycle service, the HTTP server unless `server.port` is 0, and the redirect listener for tracked
    /// links with its click recorder when `links:` is set.
    ///
    /// - Parameters:
    ///   - reloading: how SIGHUP rebuilds the engine from `etc/`; without it SIGHUP only logs.
    ///   - requests: what the signals ask; the engine's dispatcher watches the same one (through its
    ///     `DaemonDispatchControl`) to stop claiming on SIGTERM or SIGHUP.
    public static func serviceGroup(engine: BeckonEngine, logger: Logger, reloading: CycleService.Reloading? = nil,
                                    requests: DaemonRequests = DaemonRequests(), notifier: SystemdNotifier? = nil,
                                    logOutput: LogOutput? = nil,
                                    extraServices: [any Service] = [],
                                    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                                    onLinksRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> ServiceGroup {
        var services: [any Service] = [CycleService(engine: engine, logger: logger, reloading: reloading, requests: requests, notifier: notifier,
                                                        logOutput: logOutput)]
        if engine.configuration.server.port != 0 {
            let server = BeckonHTTPServer(settings: engine.configuration.serverSettings(token: engine.token), store: engine.store,
                                          registry: registry, clock: engine.clock, logger: logger)
            services.append(server.application(onServerRunning: { port in
                logger.info("listening for delivery reports and replies", metadata: ["address": "\(engine.configuration.server.host):\(port)"])
                await onServerRunning(port)
            }))
        }
        if let links = engine.configuration.links {
            // The recorder before the listener: a group stops its services last first, so the listener stops
            // taking clicks before the recorder writes the last of them.
            let recorder = ClickRecorder(store: engine.store, logger: logger)
            let redirects = LinkRedirectServer(
                settings: .init(host: links.host, port: links.port, pathPrefix: LinkRedirectServer.Settings.pathPrefix(ofBase: links.settings.base),
                                botUserAgents: links.botUserAgents),
                store: engine.store, clock: engine.clock, recorder: recorder, logger: logger)
            services.append(recorder)
            services.append(redirects.application(onServerRunning: { port in
                logger.info("listening for tracked links", metadata: ["address": "\(links.host):\(port)"])
                await onLinksRunning(port)
            }))
        }
        var configuration = ServiceGroupConfiguration(
            services: services + extraServices,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // The drain is bounded: past `drain_seconds` the group cancels what is left (a send still unanswered
        // then stays `pending`, and the next start recovers it as after a crash).
        configuration.maximumGracefulShutdownDuration = .seconds(engine.configuration.drainSeconds)
        configuration.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: configuration)
    }
}
