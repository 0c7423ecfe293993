import Logging
import ServiceLifecycle

/// The daemon: Beckon's services in one `ServiceGroup`, which owns signal handling.
public enum BeckonDaemon {
    public static func serviceGroup(engine: BeckonEngine, logger: Logger, extraServices: [any Service] = []) -> ServiceGroup {
        ServiceGroup(configuration: .init(
            services: [CycleService(engine: engine, logger: logger)] + extraServices,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
    }
}
