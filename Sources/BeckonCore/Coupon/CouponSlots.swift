/// The places in a rendered message where its coupon goes, until the store gives it one.
///
/// A code is taken in the transaction that writes the message's ledger row (so the row and its code land
/// together or not at all), which is after the pure planner rendered the text. The planner therefore renders
/// `{{coupon}}` and `{{coupon_expires_on}}` (with their filters) as slots: the placeholder's own source between
/// two interlinear-annotation characters (U+FFF9, U+FFFB), which no template, customer file or SMS alphabet
/// uses. Filling a slot renders that source with the code's values, so `{{coupon_expires_on | date: "M月d日"}}`
/// formats as it would anywhere else, and a message held for an empty pool keeps its slots in the ledger until
/// codes arrive.
public enum CouponSlots {
    /// The fields a coupon fills.
    public static let fields: Set<String> = ["coupon", "coupon_expires_on"]
    static let open: Character = "\u{FFF9}"
    static let close: Character = "\u{FFFB}"

    /// The slot for one placeholder (`{{coupon | upper}}` as written in the template).
    public static func slot(for source: String) -> String { String(open) + source + String(close) }

    /// Whether `text` still has a slot to fill.
    public static func hasSlots(_ text: String) -> Bool { text.contains(open) }

    /// `text` with every slot rendered for `coupon`.
    public static func fill(_ text: String, with coupon: Coupon) throws(TemplateError) -> String {
        try fill(text, values: ["coupon": coupon.code, "coupon_expires_on": coupon.expiresOn.description])
    }

    /// `text` with every slot rendered for a coupon of the given shape, for previews (`plan`, `explain`,
    /// `check`), whose segments must be counted as the real message's will be.
    public static func preview(_ text: String, code: String, expiresOn: LocalDate) -> String {
        (try? fill(text, values: ["coupon": code, "coupon_expires_on": expiresOn.description])) ?? text
    }

    static func fill(_ text: String, values: [String: String]) throws(TemplateError) -> String {
        guard hasSlots(text) else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.firstIndex(of: open) {
            out += rest[..<start]
            guard let end = rest[start...].firstIndex(of: close) else {
                throw .badPlaceholder(offset: out.count, "a coupon slot is never closed")
            }
            let source = String(rest[rest.index(after: start)..<end])
            out += try MessageTemplate(source).render(values)
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    /// The placeholder used for previews when no code of the pool is known: eight characters, a common length.
    public static let previewCode = "XXXXXXXX"
}
