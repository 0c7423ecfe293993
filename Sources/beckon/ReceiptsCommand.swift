import ArgumentParser

// Placeholder: this subcommand is built by its own issue.
struct ReceiptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receipts", abstract: "Reprints receipts from the store. (not yet available)")

    func run() throws {
        throw ValidationError("'beckon receipts' is not available in this build yet")
    }
}
