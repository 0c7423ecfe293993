import Foundation

/// `application/x-www-form-urlencoded` values for gateways.
///
/// Hand-written because `URLComponents.queryItems` leaves `+` (a space to CGI decoders such as Kannel's)
/// and other sub-delimiters unescaped; here only RFC 3986 unreserved characters pass through.
enum FormEncoding {
    private static let unreserved: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func encode(_ items: [URLQueryItem]) -> String {
        items.map { "\(escape($0.name))=\(escape($0.value ?? ""))" }.joined(separator: "&")
    }
}
