/// Recognises opt-out and opt-in replies ("TD", "退订", "STOP", "ｓｔｏｐ！").
///
/// A reply is normalised (trimmed, full-width folded to half-width, case-folded, punctuation and spaces
/// stripped) and matched *whole* against the market's keywords. A reply that only contains a keyword
/// inside a sentence ("please don't stop sending") is flagged for review, never acted on.
public struct OptOutKeywords: Hashable, Sendable {
    public enum Verdict: Hashable, Sendable {
        case optOut(keyword: String)
        case optIn(keyword: String)
        /// Contains a keyword but is not one: a person should read it.
        case review(keyword: String)
        case none
    }

    public var optOut: Set<String>
    public var optIn: Set<String>

    public static let defaultOptOut: Set<String> = ["TD", "T", "R", "退订", "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]
    public static let defaultOptIn: Set<String> = ["START", "UNSTOP"]

    public init(optOut: Set<String> = OptOutKeywords.defaultOptOut, optIn: Set<String> = OptOutKeywords.defaultOptIn) {
        self.optOut = Set(optOut.map(Self.normalize))
        self.optIn = Set(optIn.map(Self.normalize))
    }

    public func classify(_ reply: String) -> Verdict {
        let normalized = Self.normalize(reply)
        if optOut.contains(normalized) { return .optOut(keyword: normalized) }
        if optIn.contains(normalized) { return .optIn(keyword: normalized) }
        // Only multi-letter keywords are looked for inside text: "T" or "R" appear in every sentence.
        let words = Self.words(reply)
        // Sorted, so a reply holding two keywords is always flagged with the same one.
        for keyword in optOut.union(optIn).sorted() where keyword.count >= 2 {
            if keyword.unicodeScalars.allSatisfy({ $0.isASCII }) ? words.contains(keyword) : normalized.contains(keyword) {
                return .review(keyword: keyword)
            }
        }
        return .none
    }

    /// Full-width to half-width, upper case, without punctuation, symbols or spaces.
    public static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in FullWidth.toASCII(text).unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory.isPunctuationOrSymbol { continue }
            out.append(scalar)
        }
        return String(out).uppercased()
    }

    /// Runs of letters and digits, split also where Latin meets another script: Chinese has no spaces, so
    /// in `不要TD了谢谢` the keyword `TD` is a word of its own, while `STOPPED` or `ATDT` hold no `TD` word.
    static func words(_ text: String) -> Set<String> {
        var words: Set<String> = []
        var current = ""
        var currentIsASCII = false
        for character in FullWidth.toASCII(text).uppercased() {
            guard character.isLetter || character.isNumber else {
                if !current.isEmpty { words.insert(current) }
                current = ""
                continue
            }
            if !current.isEmpty, character.isASCII != currentIsASCII {
                words.insert(current)
                current = ""
            }
            current.append(character)
            currentIsASCII = character.isASCII
        }
        if !current.isEmpty { words.insert(current) }
        return words
    }
}

extension Unicode.GeneralCategory {
    var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
