/// The mobile carrier a number belongs to, from its prefix: what a delivery rate per carrier is grouped by.
///
/// Chinese mobile numbers are allotted to carriers by their first three digits (MIIT's numbering plan); a number
/// ported to another carrier keeps its prefix, so this is the carrier it was issued by, which is what the report
/// can know without a lookup service. Numbers of other countries are grouped by calling code.
public enum Carrier {
    static let chinaMobile: Set<String> = [
        "134", "135", "136", "137", "138", "139", "147", "148", "150", "151", "152", "157", "158", "159", "172", "178",
        "182", "183", "184", "187", "188", "195", "197", "198",
    ]
    static let chinaUnicom: Set<String> = [
        "130", "131", "132", "145", "146", "155", "156", "166", "167", "171", "175", "176", "185", "186", "196",
    ]
    static let chinaTelecom: Set<String> = [
        "133", "149", "153", "162", "173", "174", "177", "180", "181", "189", "190", "191", "193", "199",
    ]

    /// The first digits of an E.164 number that name its carrier (`+86138`); what the store groups by.
    public static let prefixLength = 6

    /// `China Mobile`, `China Unicom`, `China Telecom`, `China Broadnet`, `China, other prefix` or `+44`.
    public static func name(ofPrefix prefix: String) -> String {
        if prefix.hasPrefix("+86") {
            let block = String(prefix.dropFirst(3).prefix(3))
            if chinaMobile.contains(block) { return "China Mobile" }
            if chinaUnicom.contains(block) { return "China Unicom" }
            if chinaTelecom.contains(block) { return "China Telecom" }
            if block == "192" { return "China Broadnet" }
            return "China, other prefix (virtual carriers, \(block.prefix(2))x)"
        }
        guard prefix.hasPrefix("+") else { return "unknown" }
        // Calling codes are 1-3 digits; the zone table's longest match names the country where it knows it.
        let digits = prefix.dropFirst()
        for length in [3, 2, 1] where digits.count >= length {
            let code = String(digits.prefix(length))
            if PhoneCountryZone.zones[code] != nil { return "+" + code }
        }
        return "+" + String(digits.prefix(2)) + "…"
    }
}
