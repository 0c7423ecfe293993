import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Lists what would be sent in an interval, without sending. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon plan' is not available in this build yet")
    }
}
