/// Folds full-width ASCII variants (U+FF01-FF5E, typed by Chinese input methods) and the ideographic
/// space to their ASCII forms: `１３８` -> `138`, `ＳＴＯＰ` -> `STOP`.
public enum FullWidth {
    public static func toASCII(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) || $0.value == 0x3000 }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            if (0xFF01...0xFF5E).contains(scalar.value) { return Unicode.Scalar(scalar.value - 0xFEE0)! }
            return scalar.value == 0x3000 ? " " : scalar
        }))
    }
}
