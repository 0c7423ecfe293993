import Foundation
import PostgresNIO

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=...]`, as `database:` in etc/beckon.yaml and
/// `BECKON_TEST_POSTGRES_URL` name a server.
public enum PostgresURL {
    /// The client configuration the URL describes. `sslmode` is `disable`, `prefer` (the default: TLS when the
    /// server offers it) or `require`, with the meanings libpq gives them.
    public static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw PostgresStoreError.invalidURL(text, reason: "it must start with postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresStoreError.invalidURL(text, reason: "no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresStoreError.invalidURL(text, reason: "no user") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresStoreError.invalidURL(text, reason: "no database name after the host")
        }
        let tls: PostgresClient.Configuration.TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case let other: throw PostgresStoreError.invalidURL(text, reason: "sslmode '\(other)' is not disable, prefer or require")
        }
        return PostgresClient.Configuration(host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
                                            password: components.password?.removingPercentEncoding, database: database, tls: tls)
    }

    /// The URL with its password replaced by `***`, for logs and errors.
    public static func masked(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }
}
