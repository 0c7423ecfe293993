import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The URLSession for a gateway channel: no cache, no cookies, connections kept per host up to the
/// channel's concurrency.
///
/// `URLSession.shared` consults a URLCache and cookie storage on every request; on Linux those lookups cost
/// more than the request itself in the dispatch benchmark, and an SMS gateway never wants either.
enum GatewaySession {
    static func make(concurrency: Int, timeout: TimeInterval) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpMaximumConnectionsPerHost = max(1, concurrency)
        configuration.timeoutIntervalForRequest = max(1, timeout.rounded(.up))
        return URLSession(configuration: configuration)
    }
}
