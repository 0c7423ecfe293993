import BeckonConfig
import BeckonCore
import BeckonDispatch
import Foundation

/// Builds the configured channels, their limiters and routes. The kind-specific settings are present
/// whenever the kind says so: `ChannelConfiguration.parse` sets them together.
enum ChannelFactory {
    static func channels(_ configuration: BeckonConfiguration, token: String) -> [any Channel] {
        configuration.channels.map { channel -> any Channel in
            switch channel.kind {
            case .outbox:
                return OutboxChannel(id: channel.id, folder: configuration.outbox.appendingPathComponent(channel.directory))
            case .spool:
                let folder = channel.directory.hasPrefix("/") ? URL(fileURLWithPath: channel.directory)
                    : configuration.home.appendingPathComponent(channel.directory)
                return SpoolChannel(id: channel.id, folder: folder, maxParts: channel.maxParts)
            case .kannel:
                let kannel = channel.kannel!
                return KannelChannel(id: channel.id, settings: .init(
                    sendsmsURL: kannel.url, username: kannel.username, password: kannel.password, from: kannel.from,
                    dlrBaseURL: reportURL(configuration, channel: channel.id), references: DeliveryReference(token: token),
                    usePOST: kannel.usePOST, maxParts: channel.maxParts, timeout: channel.timeout))
            case .http:
                let http = channel.http!
                return HTTPGatewayChannel(id: channel.id, settings: .init(
                    url: http.url, headers: http.headers, format: http.format == "form" ? .form : .json, bodyTemplate: http.body,
                    providerIDPath: http.providerIDPath, statusPath: http.statusPath, acceptedStatuses: Set(http.acceptedStatuses),
                    transientStatuses: Set(http.transientStatuses), deduplicatesByKey: http.deduplicatesByKey,
                    maxParts: channel.maxParts, timeout: channel.timeout))
            }
        }
    }

    /// Beckon's own delivery-report endpoint for a channel. No token: each message's URL carries a
    /// `DeliveryReference`, which the endpoint accepts instead (the token would be in Kannel's storage and logs).
    static func reportURL(_ configuration: BeckonConfiguration, channel: String) -> URL? {
        guard configuration.server.port != 0 || configuration.server.publicURL.port != nil else { return nil }
        return configuration.server.publicURL.appendingPathComponent("dlr").appendingPathComponent(channel)
    }

}

extension ChannelRoutes {
    static func configured(_ configuration: BeckonConfiguration) throws -> ChannelRoutes {
        var routes = ChannelRoutes(routedName: BeckonConfiguration.routedChannel)
        for channel in configuration.channels { routes.failover[channel.id] = channel.failover }
        let routing = configuration.routing
        if !routing.routes.isEmpty || !routing.fallback.isEmpty {
            var carriers: [String: String] = [:]
            if let file = routing.carriersFile {
                carriers = try CarrierRouter.carriers(parsing: try String(contentsOf: file, encoding: .utf8))
            }
            routes.router = CarrierRouter(carrierByPrefix: carriers, routes: routing.routes, fallback: routing.fallback)
        }
        return routes
    }
}
