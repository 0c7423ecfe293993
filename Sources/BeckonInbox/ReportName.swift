import Crypto
import Foundation

/// Names of the files Beckon writes beside an input file (`NAME.errors.csv`, `NAME.reason`, `NAME.duplicate`).
///
/// A file name may be 255 bytes (NAME_MAX on Linux file systems), and 80 Chinese characters already are 240: with
/// a suffix added the write fails and the report is lost. A name that would be too long keeps as many whole
/// characters of the input's name as fit, then `~` and 8 hex digits of the full name's SHA-256 (so two long names
/// with one beginning still get different reports), then the suffix.
public enum ReportName {
    public static let maxBytes = 255

    public static func derived(_ name: String, _ suffix: String) -> String {
        let whole = name + suffix
        if whole.utf8.count <= maxBytes { return whole }
        let tag = "~" + SHA256.hash(data: Data(name.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        let budget = maxBytes - tag.utf8.count - suffix.utf8.count
        var kept = ""
        var used = 0
        for character in name {
            let size = character.utf8.count
            if used + size > budget { break }
            kept.append(character)
            used += size
        }
        return kept + tag + suffix
    }
}
