import Foundation

/// A message template with `{{field}}` placeholders.
///
/// Values are inserted as plain text after parsing, so customer data can never inject template syntax.
public struct MessageTemplate: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(String)
    }

    public let source: String
    public let parts: [Part]

    public init(_ source: String) throws(TemplateError) {
        self.source = source
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .unclosedPlaceholder(offset: source.distance(from: source.startIndex, to: open.lowerBound))
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                throw .emptyPlaceholder(offset: source.distance(from: source.startIndex, to: open.lowerBound))
            }
            parts.append(.placeholder(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    public var placeholders: [String] {
        parts.compactMap { if case .placeholder(let name) = $0 { return name } else { return nil } }
    }

    public func render(_ values: [String: String]) throws(TemplateError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .placeholder(let name):
                guard let value = values[name] else { throw .missingField(name) }
                out += value
            }
        }
        return out
    }
}

public enum TemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    case unclosedPlaceholder(offset: Int)
    case emptyPlaceholder(offset: Int)
    case missingField(String)

    public var description: String {
        switch self {
        case .unclosedPlaceholder(let offset): return "placeholder opened at character \(offset) is never closed with }}"
        case .emptyPlaceholder(let offset): return "empty placeholder {{}} at character \(offset)"
        case .missingField(let name): return "field '\(name)' has no value and no default"
        }
    }
}
