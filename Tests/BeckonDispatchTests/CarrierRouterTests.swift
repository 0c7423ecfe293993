import BeckonDispatch
import Foundation
import Testing

@Suite("Routing by carrier and country code")
struct CarrierRouterTests {
    let router = CarrierRouter(
        carrierByPrefix: try! CarrierRouter.carriers(parsing: "# test\nchina_mobile 138,139\nchina_unicom 130\n"),
        routes: ["china_mobile": ["cmcc", "backup"], "china_unicom": ["unicom"], "+86": ["cn-any"], "+1": ["us"],
                 "+1242": ["bahamas"]],
        fallback: ["outbox"])

    @Test("routes by number range, then country code, then fallback", arguments: [
        ("+8613800138000", ["cmcc", "backup"]),
        ("+8613012345678", ["unicom"]),
        ("+8618912345678", ["cn-any"]),
        ("+12125550100", ["us"]),
        ("+12425550100", ["bahamas"]),
        ("+447700900123", ["outbox"]),
    ])
    func routes(phone: String, expected: [String]) {
        #expect(router.channels(for: phone) == expected)
    }

    @Test("the shipped carrier file parses and knows 138 is China Mobile")
    func shippedFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("etc/routing/cn-carriers.txt")
        let carriers = try CarrierRouter.carriers(parsing: String(contentsOf: url, encoding: .utf8))
        #expect(carriers["138"] == "china_mobile")
        #expect(carriers["189"] == "china_telecom")
    }

    @Test("a malformed line names its number")
    func malformed() {
        #expect(throws: CarrierRouter.FormatError.self) { try CarrierRouter.carriers(parsing: "china_mobile 13a\n") }
    }
}
