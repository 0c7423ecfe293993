import Foundation
import Testing

@Suite("beckon segments")
struct SegmentsCommandTests {
    @Test("prints ENCODING, UNITS and SEGMENTS for a text or a file")
    func counts() throws {
        let text = try BeckonBinary.run(["segments", String(repeating: "生", count: 71)])
        #expect(text.status == 0)
        #expect(text.stdout == "UCS-2\t71\t2\n")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("segments-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data((String(repeating: "a", count: 160) + "\n").utf8).write(to: file)
        let fromFile = try BeckonBinary.run(["segments", "--file", file.path])
        #expect(fromFile.stdout == "GSM-7\t160\t1\n")
    }

    @Test("neither or both inputs is a usage error")
    func usage() throws {
        let none = try BeckonBinary.run(["segments"])
        #expect(none.status != 0)
        #expect(none.stderr.contains("give either a TEXT or --file FILE"))
    }
}
