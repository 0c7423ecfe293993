import ArgumentParser
import BeckonStore
import Foundation

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Lifts pauses: all of them, or the given channels and campaigns.",
        discussion: """
            Without options every pause is lifted. With --channel or --campaign only those pauses are
            (`beckon resume --channel sms` after `beckon pause --channel sms`; a whole-store pause stays until
            a plain `beckon resume`). A running daemon sends what is due at its next cycle.

            Examples:
              beckon resume
              beckon resume --campaign spring-sale
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("channel"), help: "A channel whose pause to lift (repeatable).")
    var channels: [String] = []

    @Option(name: .customLong("campaign"), help: "A campaign whose pause to lift (repeatable).")
    var campaigns: [String] = []

    func run() throws {
        let configuration = try options.load()
        let store = try options.openStore(configuration)
        let targets: [(scope: SendPause.Scope, name: String)]? = channels.isEmpty && campaigns.isEmpty ? nil
            : channels.map { (.channel, $0) } + campaigns.map { (.campaign, $0) }
        let lifted = try store.resume(targets)
        print("\(lifted) pause(s) lifted")
        print(PauseTargets.describe(try store.sendPauses(), zone: configuration.timeZone))
    }
}
