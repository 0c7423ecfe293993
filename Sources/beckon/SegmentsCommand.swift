import ArgumentParser
import BeckonCore
import Foundation

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Counts the SMS segments a text costs.",
        discussion: """
            Prints ENCODING<TAB>UNITS<TAB>SEGMENTS: GSM-7 counts septets (160 in one message, 153 per part;
            ^ { } \\ [ ] ~ | € count two), UCS-2 counts UTF-16 units (70 in one message, 67 per part; an
            emoji counts two). The same count `check`, `plan` and the receipts use.

            Examples:
              beckon segments "【品牌】王女士，生日快乐！回复TD退订"
              beckon segments --file message.txt
            """
    )

    @Argument(help: "The text to count.")
    var text: String?

    @Option(help: "Read the text from a file (UTF-8) instead; a final newline is not counted.")
    var file: String?

    func validate() throws {
        if (text == nil) == (file == nil) { throw ValidationError("give either a TEXT or --file FILE") }
    }

    func run() throws {
        var message = text ?? ""
        if let file {
            do { message = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(file) as UTF-8: \(error.localizedDescription)")
            }
            if message.hasSuffix("\n") { message.removeLast() }
        }
        print(SegmentCounter.count(message))
    }
}
