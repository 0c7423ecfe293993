import BeckonConfig
import BeckonCore
import BeckonServer

extension BeckonConfiguration {
    /// The HTTP server's settings: one report/reply endpoint per gateway channel.
    func serverSettings(token: String) -> BeckonHTTPServer.Settings {
        let endpoints = channels.compactMap { channel -> ReportEndpoint? in
            let sender = optOutScope == .sender ? channel.sender : nil
            let hardFailureCodes = Set(channel.hardFailureCodes)
            switch channel.kind {
            case .kannel:
                return ReportEndpoint(channel: channel.id, dialect: .kannel, optOutSender: sender, hardFailureCodes: hardFailureCodes,
                                      failureCodes: channel.failureCodes)
            case .http:
                let http = channel.http!
                return ReportEndpoint(channel: channel.id, dialect: .generic(
                    idField: http.reportIDField, statusField: http.reportStatusField,
                    delivered: Set(http.deliveredStatuses), undelivered: Set(http.undeliveredStatuses)),
                    optOutSender: sender, hardFailureCodes: hardFailureCodes, failureCodes: channel.failureCodes)
            case .outbox, .spool:
                return nil
            }
        }
        let overdue = channels.compactMap { channel in channel.reportOverdueAfter.map { (channel.id, $0) } }
        return BeckonHTTPServer.Settings(host: server.host, port: server.port, token: token, endpoints: endpoints,
                                         keywords: inboxSettings.keywords,
                                         reportOverdueAfter: Dictionary(overdue, uniquingKeysWith: { first, _ in first }))
    }
}
