import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explains, campaign by campaign, what a customer gets and why. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon explain' is not available in this build yet")
    }
}
