/// The request body of an `http` channel: the provider's JSON or form text with `{{placeholder}}`s for the
/// message's fields (`{"to": "{{phone}}", "text": "{{text}}", "client_ref": "{{key}}"}`).
///
/// Split once into literal text and placeholders, so each message costs one pass; the configuration loader
/// rejects a template naming a field that does not exist, so a typo such as `{{phnoe}}` stops Beckon at
/// start-up instead of reaching the provider literally.
public struct GatewayBodyTemplate: Hashable, Sendable {
    public enum Field: String, CaseIterable, Hashable, Sendable {
        case key, phone, text, campaign, customer, variant
    }

    public enum Part: Hashable, Sendable {
        case literal(String)
        case field(Field)
    }

    public let parts: [Part]
    /// Names between `{{` and `}}` that are not fields, in order; kept literally in `parts`.
    public let unknownPlaceholders: [String]

    public init(_ template: String) {
        var parts: [Part] = []
        var unknown: [String] = []
        var literal = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmedSpaces
            guard let field = Field(rawValue: name) else {
                unknown.append(name)
                literal += rest[..<close.upperBound]
                rest = rest[close.upperBound...]
                continue
            }
            literal += rest[..<open.lowerBound]
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.field(field))
            rest = rest[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
        self.unknownPlaceholders = unknown
    }
}
