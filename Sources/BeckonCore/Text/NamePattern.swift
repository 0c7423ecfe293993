/// A shell-style pattern matched against a whole file name, ignoring case: `*` (any run), `?` (one character),
/// `[abc]`, `[a-z]` and `[!abc]` (one character of, or not of, a set). Anchored at both ends: `stop-*` matches
/// `stop-2026.csv`, not `bus_stop.csv`.
public struct NamePattern: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    private let tokens: [Token]

    private enum Token: Hashable, Sendable {
        case literal(Character)
        case any
        case star
        case set([ClosedRange<Character>], negated: Bool)
    }

    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        public var pattern: String
        public var reason: String
        public var description: String { "pattern '\(pattern)': \(reason)" }
    }

    public init(_ text: String) throws(SyntaxError) {
        guard !text.isEmpty else { throw SyntaxError(pattern: text, reason: "is empty") }
        guard !text.contains("/") else { throw SyntaxError(pattern: text, reason: "contains '/': patterns match file names, not paths") }
        var tokens: [Token] = []
        var characters = Array(text.lowercased())[...]
        while let character = characters.popFirst() {
            switch character {
            case "*": if tokens.last != .star { tokens.append(.star) }
            case "?": tokens.append(.any)
            case "[":
                var negated = false
                if characters.first == "!" || characters.first == "^" {
                    negated = true
                    characters.removeFirst()
                }
                var ranges: [ClosedRange<Character>] = []
                var closed = false
                var first = true
                while let member = characters.popFirst() {
                    if member == "]" && !first {
                        closed = true
                        break
                    }
                    first = false
                    if characters.first == "-", characters.count >= 2, characters[characters.index(after: characters.startIndex)] != "]" {
                        characters.removeFirst()
                        let upper = characters.removeFirst()
                        guard member <= upper else { throw SyntaxError(pattern: text, reason: "range \(member)-\(upper) is backwards") }
                        ranges.append(member...upper)
                    } else {
                        ranges.append(member...member)
                    }
                }
                guard closed else { throw SyntaxError(pattern: text, reason: "a '[' is never closed by ']'") }
                tokens.append(.set(ranges, negated: negated))
            default: tokens.append(.literal(character))
            }
        }
        self.text = text
        self.tokens = tokens
    }

    public var description: String { text }

    /// Whether the whole of `name` matches. Iterative (a star remembers where to resume), so a long name
    /// against many stars costs at most their product, and never recursion depth.
    public func matches(_ name: String) -> Bool {
        let name = Array(name.lowercased())
        var n = 0, t = 0
        var starToken: Int?
        var starName = 0
        while n < name.count {
            if t < tokens.count, case .star = tokens[t] {
                starToken = t
                starName = n
                t += 1
                continue
            }
            if t < tokens.count, Self.matches(tokens[t], name[n]) {
                t += 1
                n += 1
                continue
            }
            guard let star = starToken else { return false }
            t = star + 1
            starName += 1
            n = starName
        }
        while t < tokens.count, case .star = tokens[t] { t += 1 }
        return t == tokens.count
    }

    private static func matches(_ token: Token, _ character: Character) -> Bool {
        switch token {
        case .literal(let literal): literal == character
        case .any: true
        case .star: false
        case .set(let ranges, let negated): ranges.contains { $0.contains(character) } != negated
        }
    }
}
