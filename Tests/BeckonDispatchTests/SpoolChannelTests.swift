@testable import BeckonDispatch
import Foundation
import Testing

@Suite("smstools3 spool channel")
struct SpoolChannelTests {
    @Test("ASCII text: To, Alphabet ISO, a blank line, the text")
    func asciiFile() {
        let data = SpoolChannel.render(plannedMessage("Happy new year"))
        #expect(String(decoding: data, as: UTF8.self) == "To: 8613800138000\nAlphabet: ISO\n\nHappy new year")
    }

    @Test("a GSM-7 text with accents and the euro sign is written in ISO-8859-15, byte for byte (smsd's default reads it right)")
    func latin9File() {
        let data = SpoolChannel.render(plannedMessage("Zoé, -5€ ¡Ñ! {ü}"))
        let header = Array("To: 8613800138000\nAlphabet: ISO\n\n".utf8)
        #expect(Array(data) == header + [0x5A, 0x6F, 0xE9, 0x2C, 0x20, 0x2D, 0x35, 0xA4, 0x20, 0xA1, 0xD1, 0x21, 0x20, 0x7B, 0xFC, 0x7D])
    }

    @Test("a GSM-7 text with a character ISO-8859-15 lacks (Greek capitals, ¤) is written as UTF-8 and says so")
    func utf8File() {
        let data = SpoolChannel.render(plannedMessage("ΔΩ ¤1"))
        let header = Array("To: 8613800138000\nAlphabet: UTF-8\n\n".utf8)
        #expect(Array(data) == header + [0xCE, 0x94, 0xCE, 0xA9, 0x20, 0xC2, 0xA4, 0x31])
    }

    @Test("ISO-8859-15's eight places that differ from Latin-1 map both ways as the standard says")
    func latin9Table() {
        #expect(SpoolAlphabet.latin9("€ŠšŽžŒœŸ").map(Array.init) == [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE])
        #expect(SpoolAlphabet.latin9("¤") == nil, "Latin-1's currency sign has no place in Latin-9")
        #expect(SpoolAlphabet.latin9("é\u{00FF}").map(Array.init) == [0xE9, 0xFF])
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
