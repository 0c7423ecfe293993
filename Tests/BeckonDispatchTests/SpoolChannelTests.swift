@testable import BeckonDispatch
import Foundation
import Testing

@Suite("smstools3 spool channel")
struct SpoolChannelTests {
    @Test("GSM-7 text: To header, blank line, text")
    func gsmFile() {
        let data = SpoolChannel.render(plannedMessage("Happy new year"))
        #expect(String(decoding: data, as: UTF8.self) == "To: 8613800138000\n\nHappy new year")
    }

    @Test("Chinese text: Alphabet UCS2 and a UCS-2 big-endian body")
    func ucs2File() {
        let data = SpoolChannel.render(plannedMessage("您好"))
        let header = Data("To: 8613800138000\nAlphabet: UCS2\n\n".utf8)
        #expect(data.prefix(header.count) == header)
        #expect(Array(data.dropFirst(header.count)) == [0x60, 0xA8, 0x59, 0x7D])
    }

    @Test("send writes the file atomically into the spool folder, no temporary left behind")
    func sendWritesFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let channel = SpoolChannel(id: "modem", folder: folder)
        let outcome = await channel.send(plannedMessage("Hi"), now: pinnedNow)
        #expect(outcome.status == .sent)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files == ["beckon_spring_1_C001_2027-02-06"])
    }
}
