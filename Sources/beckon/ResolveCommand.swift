import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Settles a message whose outcome a crash left unknown. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon resolve' is not available in this build yet")
    }
}
