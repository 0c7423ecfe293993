/// Masks a phone number for logs and receipts: country code and the first three and last four digits stay
/// (enough to reconcile with an operator), the middle is starred. `+8613800138000` -> `+86138****8000`.
public func maskPhone(_ phone: String) -> String {
    // E.164 numbers are ASCII: their bytes are their characters, without grapheme breaking (receipts mask every row).
    if phone.utf8.allSatisfy({ $0 < 0x80 }) {
        let bytes = Array(phone.utf8)
        guard bytes.count > 8 else { return String(repeating: "*", count: bytes.count) }
        let head = min(bytes.count - 8, 6)
        var masked = bytes
        for index in head..<(bytes.count - 4) { masked[index] = 0x2A }
        return String(decoding: masked, as: UTF8.self)
    }
    let chars = Array(phone)
    guard chars.count > 8 else { return String(repeating: "*", count: chars.count) }
    let head = String(chars.prefix(min(chars.count - 8, 6)))
    let tail = String(chars.suffix(4))
    let stars = String(repeating: "*", count: chars.count - head.count - tail.count)
    return head + stars + tail
}
