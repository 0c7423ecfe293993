/// A problem with one row of an input file: enough to find and fix it in the source system.
public struct RowError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String
    public var value: String
    public var reason: String

    public init(file: String, line: Int, field: String, value: String, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(field) '\(value)': \(reason)" }
}

/// A file that cannot be read at all (not CSV, missing required columns): it is quarantined whole.
public struct UnreadableFile: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
