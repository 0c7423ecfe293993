import BeckonCore
import BeckonStore
import Foundation

/// The safe default channel: each message becomes a file under `outbox/messages/`, nothing leaves the machine.
///
/// The file name is derived from the message key and written atomically, so writing the same key again
/// replaces the file with identical content: this channel deduplicates by key.
public struct OutboxChannel: Channel {
    public let id: String
    public let folder: URL
    public var deduplicatesByKey: Bool { true }

    public init(id: String, folder: URL) {
        self.id = id
        self.folder = folder
    }

    /// `messages/YYYY-MM-DD/campaign_wave_customer.txt`, by the occurrence's local date.
    public func file(for key: MessageKey) -> URL {
        folder.appendingPathComponent(key.localDate.description)
            .appendingPathComponent("\(key.campaign)_\(key.wave)_\(key.customer).txt")
    }

    public static func render(_ message: PlannedMessage) -> String {
        """
        Key: \(message.key)
        To: \(message.phone)
        Campaign: \(message.key.campaign)
        Variant: \(message.variant)
        Category: \(message.category.rawValue)
        Valid-Until: \(ISO8601DateFormatter().string(from: message.validUntil))

        \(message.text)

        """
    }

    public func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
        do {
            try AtomicFile.write(Data(Self.render(message).utf8), to: file(for: message.key))
            return DispatchOutcome(key: message.key, status: .sent, providerID: file(for: message.key).lastPathComponent)
        } catch {
            // A full disk or a permission problem will not fix itself within this cycle, but may soon.
            return DispatchOutcome(key: message.key, status: .failed, reasonCode: "outbox_write_failed",
                                   retryAt: now())
        }
    }
}
