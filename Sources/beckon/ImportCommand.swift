import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Imports customer, trigger and opt-out files as the daemon would. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon import' is not available in this build yet")
    }
}
