extension String {
    /// The text without spaces, tabs and Unicode space separators (the ideographic space U+3000, NBSP) at
    /// either end: what Foundation's `trimmingCharacters(in: .whitespaces)` does.
    ///
    /// Written by hand because on Linux the Foundation call bridges through NSString and allocates even when
    /// there is nothing to trim; it was the largest single cost of an import row. Returns `self` unchanged
    /// (no copy) in the common case.
    public var trimmedSpaces: String { trimmed(where: Self.isSpace) }

    /// The text without white space or line breaks at either end (Foundation's `.whitespacesAndNewlines`),
    /// for rendered messages; returns `self` when there is nothing to trim.
    public var trimmedWhitespaceAndNewlines: String { trimmed(where: \.properties.isWhitespace) }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || (scalar.value >= 0x80 && scalar.properties.generalCategory == .spaceSeparator)
    }

    private func trimmed(where blank: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !blank(first) && !blank(last) { return self }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, blank(scalars[start]) { start = scalars.index(after: start) }
        while end > start, blank(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
