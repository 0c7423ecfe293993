import ArgumentParser
import BeckonConfig
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Writes an industry starter kit: a complete etc/ with the recall playbook for that trade.",
        discussion: """
            Writes DIR/etc/beckon.yaml, etc/campaigns/, etc/templates/ and etc/calendars/ (China's working days
            and an example store holiday), with a columns: mapping for common Chinese ERP headers (会员编号, 手机号,
            姓名, 生日, 最近消费时间 ...). Each campaign file says why it is timed as it is and which customers it is
            for; every kit passes `beckon check`. Set the brand, the short link and a channel before going live.

            Nothing is overwritten without --force: if any file of the kit exists, nothing is written and the
            first such file is named (exit 1).

            Industries: \(StarterKit.Industry.allCases.map(\.rawValue).joined(separator: ", "))

            Examples:
              beckon init --industry retail
              beckon init --industry gym /srv/beckon && beckon check --config /srv/beckon/etc/beckon.yaml
            """
    )

    @Option(help: "The trade: \(StarterKit.Industry.allCases.map(\.rawValue).joined(separator: ", ")).")
    var industry: StarterKit.Industry

    @Argument(help: "The folder to write etc/ into.")
    var directory: String = "."

    @Flag(help: "Overwrite the kit's files where they exist (other files in etc/ are left alone).")
    var force = false

    func run() throws {
        let folder = URL(fileURLWithPath: directory)
        let written: [String]
        do {
            written = try StarterKitWriter.write(StarterKit(industry: industry), into: folder, force: force)
        } catch {
            FileHandle.standardError.write(Data("beckon: \(error)\n".utf8))
            throw ExitCode.failure
        }
        for path in written { print("wrote \(path)") }
        print("\(industry.rawValue) kit: \(written.count) files. Next: beckon check --config \(folder.appendingPathComponent("etc/beckon.yaml").path)")
    }
}

extension StarterKit.Industry: ExpressibleByArgument {}
