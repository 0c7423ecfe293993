import Foundation

/// A message template: text with `{{field}}` placeholders and filters.
///
/// ```
/// 【品牌】{{name | default: "亲爱的会员"}}，您的卡将于{{expires_on | date: "M月d日"}}到期
/// ```
///
/// Written by hand rather than with swift-mustache or Stencil: Mustache has no filters with arguments
/// (`default: "…"`), and Stencil's filters differ in syntax (`default:"x"`, no `date` on plain dates) and
/// would evaluate template syntax found in values. Here a template is parsed once into parts, and values
/// are only ever inserted as text: customer data can never inject template syntax.
///
/// `{{short_link}}` and `{{link: "https://shop.example/renew"}}` are links, not fields: the composer fills
/// them with tracked links (`base + token`), or, without a `links:` section, with `content.short_link` and
/// the target as written.
public struct MessageTemplate: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(Placeholder)
        case link(LinkPlaceholder)
    }

    /// Where a link placeholder leads.
    public enum LinkTarget: Sendable, Hashable {
        /// `{{short_link}}`: the configured landing page (`links.target`).
        case shortLink
        /// `{{link: "https://…"}}`.
        case url(String)
    }

    public struct LinkPlaceholder: Sendable, Hashable {
        public var target: LinkTarget
        /// Character offset of `{{` in the source, for error reports.
        public var offset: Int

        public init(target: LinkTarget, offset: Int) {
            self.target = target
            self.offset = offset
        }
    }

    public struct Placeholder: Sendable, Hashable {
        public var field: String
        public var filters: [Filter]
        /// Character offset of `{{` in the source, for error reports.
        public var offset: Int
        /// The placeholder as written, braces included (a coupon slot renders it once the code is known).
        public var source: String = ""

        /// True when a `default` filter guarantees a value.
        public var hasDefault: Bool { filters.contains { if case .default = $0 { return true } else { return false } } }
    }

    public enum Filter: Sendable, Hashable {
        case `default`(String)
        /// `date: "M月d日"` on a `YYYY-MM-DD` value: tokens yyyy, yy, MM, M, dd, d.
        case date(String)
        case upper, lower
        /// At most N characters.
        case truncate(Int)
        /// Fixed decimals with thousands separators: `number: 2` -> `1,234.50`.
        case number(Int)
        /// `currency: "¥"` -> `¥1,234.50`.
        case currency(String)
    }

    public let source: String
    public let parts: [Part]

    public init(_ source: String) throws(TemplateError) {
        self.source = source
        var parts: [Part] = []
        let characters = Array(source)
        var index = 0
        var text = ""
        while index < characters.count {
            if characters[index] == "{", index + 1 < characters.count, characters[index + 1] == "{" {
                guard let close = Self.find("}}", in: characters, from: index + 2) else {
                    throw .unclosedPlaceholder(offset: index)
                }
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                let body = String(characters[(index + 2)..<close])
                if let link = try Self.parseLink(body, offset: index) {
                    parts.append(.link(link))
                } else {
                    var placeholder = try Self.parsePlaceholder(body, offset: index)
                    placeholder.source = "{{" + body + "}}"
                    parts.append(.placeholder(placeholder))
                }
                index = close + 2
            } else {
                text.append(characters[index])
                index += 1
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        self.parts = parts
    }

    static func find(_ needle: String, in characters: [Character], from start: Int) -> Int? {
        let pattern = Array(needle)
        var i = start
        while i + pattern.count <= characters.count {
            if Array(characters[i..<(i + pattern.count)]) == pattern { return i }
            i += 1
        }
        return nil
    }

    /// `short_link` alone, or `link: "URL"` with an absolute http(s) URL; nil for anything else (a field).
    static func parseLink(_ body: String, offset: Int) throws(TemplateError) -> LinkPlaceholder? {
        let trimmed = body.trimmingCharacters(in: .whitespaces)
        if trimmed == "short_link" { return LinkPlaceholder(target: .shortLink, offset: offset) }
        if trimmed.hasPrefix("short_link"), trimmed.dropFirst("short_link".count).trimmingCharacters(in: .whitespaces).hasPrefix("|") {
            throw .badPlaceholder(offset: offset, "{{short_link}} takes no filters")
        }
        guard trimmed.hasPrefix("link"),
              trimmed.dropFirst(4).trimmingCharacters(in: .whitespaces).hasPrefix(":") else { return nil }
        let argument = trimmed.dropFirst(4).trimmingCharacters(in: .whitespaces).dropFirst().trimmingCharacters(in: .whitespaces)
        let example = "e.g. {{link: \"https://shop.example/renew\"}}"
        guard argument.count >= 2, argument.first == "\"", argument.last == "\"" else {
            throw .badPlaceholder(offset: offset, "link needs a quoted URL and no filters, \(example)")
        }
        let target = String(argument.dropFirst().dropLast())
        guard Self.isLinkTarget(target) else {
            throw .badPlaceholder(offset: offset, "'\(target)' is not an absolute http(s) URL, \(example)")
        }
        return LinkPlaceholder(target: .url(target), offset: offset)
    }

    /// An absolute `http://` or `https://` URL with a host and no spaces or quotes.
    public static func isLinkTarget(_ text: String) -> Bool {
        guard text.hasPrefix("https://") || text.hasPrefix("http://"),
              !text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }),
              let url = URL(string: text), let host = url.host, !host.isEmpty else { return false }
        return true
    }

    static func parsePlaceholder(_ body: String, offset: Int) throws(TemplateError) -> Placeholder {
        let pieces = splitOutsideQuotes(body, on: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let field = pieces.first, !field.isEmpty else { throw .emptyPlaceholder(offset: offset) }
        guard field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
            throw .badPlaceholder(offset: offset, "'\(field)' is not a field name")
        }
        var filters: [Filter] = []
        for piece in pieces.dropFirst() {
            let nameAndArgument = piece.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let name = nameAndArgument[0]
            guard !name.isEmpty else { throw .badPlaceholder(offset: offset, "a filter name is missing after '|'") }
            let argument = nameAndArgument.count > 1 ? nameAndArgument[1] : nil
            func text() throws(TemplateError) -> String {
                guard let argument, argument.count >= 2, argument.first == "\"", argument.last == "\"" else {
                    throw .badPlaceholder(offset: offset, "filter '\(name)' needs a quoted argument, e.g. \(name): \"…\"")
                }
                return String(argument.dropFirst().dropLast())
            }
            func integer() throws(TemplateError) -> Int {
                guard let argument, let value = Int(argument), value >= 0 else {
                    throw .badPlaceholder(offset: offset, "filter '\(name)' needs a whole number, e.g. \(name): 2")
                }
                return value
            }
            switch name {
            case "default": filters.append(.default(try text()))
            case "date": filters.append(.date(try text()))
            case "upper": filters.append(.upper)
            case "lower": filters.append(.lower)
            case "truncate": filters.append(.truncate(try integer()))
            case "number": filters.append(.number(argument == nil ? 0 : try integer()))
            case "currency": filters.append(.currency(try text()))
            default:
                throw .badPlaceholder(offset: offset, "unknown filter '\(name)' (known: default, date, upper, lower, truncate, number, currency)")
            }
        }
        return Placeholder(field: field, filters: filters, offset: offset)
    }

    static func splitOutsideQuotes(_ text: String, on separator: Character) -> [String] {
        var pieces: [String] = [], current = "", quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == separator && !quoted { pieces.append(current); current = "" } else { current.append(character) }
        }
        pieces.append(current)
        return pieces
    }

    public var placeholders: [String] {
        parts.compactMap { if case .placeholder(let p) = $0 { return p.field } else { return nil } }
    }

    /// Fields used without a `default`: a customer lacking one cannot get this message.
    public var requiredFields: [String] {
        parts.compactMap { if case .placeholder(let p) = $0, !p.hasDefault { return p.field } else { return nil } }
    }

    /// The link targets in order of first appearance, each once.
    public var linkTargets: [LinkTarget] {
        var seen = Set<LinkTarget>()
        return parts.compactMap { part in
            guard case .link(let link) = part, seen.insert(link.target).inserted else { return nil }
            return link.target
        }
    }

    /// - Parameter links: the text of each link target (the composer's tracked links). A target missing
    ///   there renders untracked: `{{short_link}}` as the `short_link` value (`content.short_link`), a
    ///   `{{link: …}}` as its URL.
    /// - Parameter slots: fields rendered as `CouponSlots` for the store to fill (a coupon campaign's code).
    public func render(_ values: [String: String], links: [LinkTarget: String] = [:], slots: Set<String> = []) throws(TemplateError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .placeholder(let placeholder) where slots.contains(placeholder.field):
                out += CouponSlots.slot(for: placeholder.source)
            case .placeholder(let placeholder): out += try Self.apply(placeholder, value: values[placeholder.field])
            case .link(let link):
                if let text = links[link.target] {
                    out += text
                } else if case .url(let target) = link.target {
                    out += target
                } else if let fixed = values["short_link"], !fixed.isEmpty {
                    out += fixed
                } else {
                    throw .missingField("short_link")
                }
            }
        }
        return out
    }

    static func apply(_ placeholder: Placeholder, value: String?) throws(TemplateError) -> String {
        var current = value.flatMap { $0.isEmpty ? nil : $0 }
        for filter in placeholder.filters {
            switch filter {
            case .default(let fallback): if current == nil { current = fallback }
            case .upper: current = current?.uppercased()
            case .lower: current = current?.lowercased()
            case .truncate(let n): current = current.map { String($0.prefix(n)) }
            case .date(let pattern):
                guard let text = current else { continue }
                guard let date = LocalDate(iso: text.prefix(10)) else {
                    throw .badValue(field: placeholder.field, value: text, "is not a YYYY-MM-DD date")
                }
                current = formatDate(date, pattern)
            case .number(let decimals):
                guard let text = current else { continue }
                guard let number = Double(text) else { throw .badValue(field: placeholder.field, value: text, "is not a number") }
                current = formatNumber(number, decimals: decimals)
            case .currency(let symbol):
                guard let text = current else { continue }
                guard let number = Double(text) else { throw .badValue(field: placeholder.field, value: text, "is not an amount") }
                current = symbol + formatNumber(number, decimals: 2)
            }
        }
        guard let result = current else { throw .missingField(placeholder.field) }
        return result
    }

    /// Locale-free date formatting: the same output on every machine.
    static func formatDate(_ date: LocalDate, _ pattern: String) -> String {
        var out = ""
        var rest = Substring(pattern)
        let tokens: [(String, (LocalDate) -> String)] = [
            ("yyyy", { String($0.year) }), ("yy", { String(format: "%02d", $0.year % 100) }),
            ("MM", { String(format: "%02d", $0.month) }), ("M", { String($0.month) }),
            ("dd", { String(format: "%02d", $0.day) }), ("d", { String($0.day) }),
        ]
        outer: while !rest.isEmpty {
            for (token, render) in tokens where rest.hasPrefix(token) {
                out += render(date)
                rest = rest.dropFirst(token.count)
                continue outer
            }
            out.append(rest.removeFirst())
        }
        return out
    }

    static func formatNumber(_ value: Double, decimals: Int) -> String {
        let fixed = String(format: "%.\(decimals)f", abs(value))
        let parts = fixed.split(separator: ".", maxSplits: 1)
        var integer = String(parts[0])
        var grouped = ""
        while integer.count > 3 {
            grouped = "," + integer.suffix(3) + grouped
            integer.removeLast(3)
        }
        grouped = integer + grouped
        return (value < 0 ? "-" : "") + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }
}

public enum TemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    case unclosedPlaceholder(offset: Int)
    case emptyPlaceholder(offset: Int)
    case badPlaceholder(offset: Int, String)
    case missingField(String)
    case badValue(field: String, value: String, String)

    public var description: String {
        switch self {
        case .unclosedPlaceholder(let offset): return "placeholder opened at character \(offset) is never closed with }}"
        case .emptyPlaceholder(let offset): return "empty placeholder {{}} at character \(offset)"
        case .badPlaceholder(let offset, let why): return "placeholder at character \(offset): \(why)"
        case .missingField(let name): return "field '\(name)' has no value and no default"
        case .badValue(let field, let value, let why): return "field '\(field)' value '\(value)' \(why)"
        }
    }
}
