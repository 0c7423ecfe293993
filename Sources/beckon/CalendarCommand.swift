import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar", abstract: "Shows what calendar rules fire, lunar dates, holidays and working days. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon calendar' is not available in this build yet")
    }
}
