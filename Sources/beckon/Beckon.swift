import ArgumentParser

/// `beckon`: the command line. Each subcommand lives in its own file and reads like its own manual page.
@main
struct Beckon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beckon",
        abstract: "Brings lapsed customers back with the right SMS at the right moment.",
        discussion: """
            Beckon reads customer and trigger files from inbox/, keeps every customer in a local database,
            evaluates campaigns against calendars, send windows, consent and caps, sends through SMS
            gateways and writes receipts into outbox/.

            Start with:  beckon run --once      (one full cycle on the shipped example)
            """,
        subcommands: [
            InitCommand.self, RunCommand.self, ImportCommand.self, CheckCommand.self, PlanCommand.self, ExplainCommand.self,
            CalendarCommand.self, SegmentsCommand.self, ReceiptsCommand.self, ResolveCommand.self,
            StatusCommand.self, PauseCommand.self, ResumeCommand.self, ReportCommand.self, HygieneCommand.self, SimulateCommand.self,
        ]
    )
}
