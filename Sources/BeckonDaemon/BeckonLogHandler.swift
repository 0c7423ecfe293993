import BeckonCore
import Foundation
import Logging

/// The daemon's log lines, as text (the same layout as swift-log's own) or one JSON object a line
/// (`time`, `level`, `message`, `metadata`, `label`, `source`), to a `LogOutput`.
///
/// Phone numbers are masked in every message and metadata value, whatever the caller did: a log is read by
/// more people than the receipts are, and shipped further.
public struct BeckonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let format: Format
    let output: LogOutput
    let clock: any WallClock

    public enum Format: Sendable { case text, json }

    public init(label: String, format: Format, output: LogOutput, clock: any WallClock = SystemClock()) {
        self.label = label
        self.format = format
        self.output = output
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let values = merged.mapValues { Self.maskPhones("\($0)") }
        let message = Self.maskPhones(event.message.description)
        let time = ISO8601DateFormatter.string(from: clock.now, timeZone: TimeZone(identifier: "UTC")!,
                                               formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        switch format {
        case .text:
            let fields = values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            output.write(line: "\(time) \(event.level) \(label):\(fields.isEmpty ? "" : " " + fields) [\(event.source)] \(message)")
        case .json:
            let object: [String: Any] = ["time": time, "level": event.level.rawValue, "message": message, "metadata": values,
                                         "label": label, "source": event.source]
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
            output.write(line: String(decoding: data, as: UTF8.self))
        }
    }

    /// Runs of 11 to 15 digits (a mobile number with or without its country code, `+` optional) are masked as
    /// receipts mask them; shorter numbers (counts, ports, years) and longer ones are left alone.
    static func maskPhones(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return text }
        var result = ""
        var run = ""
        func flush() {
            let digits = run.hasPrefix("+") ? run.count - 1 : run.count
            result += (11...15).contains(digits) ? maskPhone(run) : run
            run = ""
        }
        for character in text {
            if character.isASCII && character.isNumber {
                run.append(character)
            } else if character == "+" && run.isEmpty {
                run = "+"
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
