import BeckonCore
import BeckonStore
import Foundation

/// Writes smstools3 outgoing files for sites that already run `smsd` with modems.
///
/// Each file is written under a temporary name and renamed into the spool, so smsd never reads half a
/// file. The file name is derived from the key; smsd moves files away once sent, so a rewrite after a
/// crash could send twice: the channel does not claim to deduplicate.
public struct SpoolChannel: Channel {
    public let id: String
    public let folder: URL
    public let maxParts: Int
    public var deduplicatesByKey: Bool { false }

    public init(id: String, folder: URL, maxParts: Int = 6) {
        self.id = id
        self.folder = folder
        self.maxParts = maxParts
    }

    /// smstools3 format: headers, a blank line, the text, in the alphabet the header names (`SpoolAlphabet`).
    static func render(_ message: PlannedMessage) -> Data {
        let digits = message.phone.hasPrefix("+") ? String(message.phone.dropFirst()) : message.phone
        let (alphabet, body) = SpoolAlphabet.encode(message.text)
        var data = Data("To: \(digits)\nAlphabet: \(alphabet.rawValue)\n\n".utf8)
        data.append(body)
        return data
    }

    func fileName(for key: MessageKey) -> String {
        "beckon_\(key.campaign)_\(key.wave)_\(key.customer)_\(key.localDate)"
    }

    public func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
        let encoding = SegmentCounter.count(message.text)
        guard encoding.segments <= maxParts else {
            return DispatchOutcome(key: message.key, status: .failed,
                                   reasonCode: "too_many_parts(\(encoding.segments)>\(maxParts))",
                                   segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
        do {
            try AtomicFile.write(Self.render(message), to: folder.appendingPathComponent(fileName(for: message.key)))
            return DispatchOutcome(key: message.key, status: .sent, providerID: fileName(for: message.key),
                                   segments: encoding.segments, encoding: encoding.encoding.rawValue)
        } catch {
            return DispatchOutcome(key: message.key, status: .failed, reasonCode: "spool_write_failed",
                                   retryAt: now(),
                                   segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
    }
}
