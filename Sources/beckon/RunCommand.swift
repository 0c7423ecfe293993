import ArgumentParser

// Placeholder: the daemon command lands with issue 2's engine.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Runs the daemon (not yet available)")
    func run() throws { throw ValidationError("'beckon run' is not available in this build yet") }
}
