import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "segments", abstract: "Counts the SMS segments a text costs. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon segments' is not available in this build yet")
    }
}
