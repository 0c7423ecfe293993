import BeckonCore
import Testing

@Suite("Phone masking for logs and receipts")
struct PhoneMaskTests {
    @Test("country code and first digits stay, the middle is starred, the last four stay", arguments: [
        ("+8613800138000", "+86138****8000"),
        ("+14155550123", "+141****0123"),
        ("13800138000", "138****8000"),
        ("123456789", "1****6789"),
        ("12345678", "********"),
        ("", ""),
    ])
    func masks(phone: String, expected: String) {
        #expect(maskPhone(phone) == expected)
    }

    @Test("full-width digits are masked by character, never split")
    func nonASCII() {
        #expect(maskPhone("１３８００１３８０００") == "１３８****８０００")
    }
}
