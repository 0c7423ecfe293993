import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Checks configuration, campaigns and templates before anything is sent. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon check' is not available in this build yet")
    }
}
