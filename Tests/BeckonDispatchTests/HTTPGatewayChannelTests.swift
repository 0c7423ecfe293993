import BeckonCore
@testable import BeckonDispatch
import Foundation
import Testing

@Suite("Generic HTTP gateway channel")
struct HTTPGatewayChannelTests {
    let channel = HTTPGatewayChannel(id: "http", settings: .init(
        url: URL(string: "http://127.0.0.1:9/send")!,
        bodyTemplate: #"{"to":"{{phone}}","text":"{{text}}","ref":"{{key}}"}"#,
        providerIDPath: "data.id", statusPath: "code", acceptedStatuses: ["OK"], transientStatuses: ["BUSY"]))

    @Test("the JSON body escapes the text and carries the key as client reference")
    func jsonBody() throws {
        let body = channel.body(for: plannedMessage("He said \"您好\"\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(json["text"] == "He said \"您好\"\n")
        #expect(json["ref"] == "spring/1/C001/2027-02-06")
    }

    @Test("JSON escaping by hand matches what a JSON parser reads back, control characters included")
    func jsonEscaping() throws {
        let text = "引号\" 反斜杠\\ 换行\n 制表\t \u{01}\u{1F} /路径 😀"
        let body = Data("[\"\(JSONString.escaped(text))\"]".utf8)
        #expect(try JSONSerialization.jsonObject(with: body) as? [String] == [text])
    }

    @Test("a body template splits into literals and fields; an unknown name stays literal and is reported")
    func bodyTemplate() {
        let template = GatewayBodyTemplate("{{phone}}-{{unknown}}-{{ text }}{{key")
        #expect(template.parts == [.field(.phone), .literal("-{{unknown}}-"), .field(.text), .literal("{{key")])
        #expect(template.unknownPlaceholders == ["unknown"])
    }

    @Test("a form body percent-encodes values")
    func formBody() {
        let form = HTTPGatewayChannel(id: "f", settings: .init(url: URL(string: "http://x/")!, format: .form,
                                                               bodyTemplate: "to={{phone}}&text={{text}}"))
        #expect(String(decoding: form.body(for: plannedMessage("a b&c")), as: UTF8.self)
            == "to=%2B8613800138000&text=a%20b%26c")
    }

    @Test("replies map to sent, permanent and transient failures", arguments: [
        (200, nil as String?, #"{"code":"OK","data":{"id":"p-1"}}"#, MessageStatus.sent, nil as Double?, "p-1" as String?),
        // A transient failure without a hint is retryable now; the dispatcher adds backoff.
        (200, nil, #"{"code":"BUSY"}"#, .failed, 0, nil),
        (200, nil, #"{"code":"BAD_NUMBER"}"#, .failed, nil, nil),
        (429, "7", "", .failed, 7, nil),
        (500, nil, "", .failed, 0, nil),
        (400, nil, "", .failed, nil, nil),
    ])
    func mapsReplies(status: Int, retryAfter: String?, body: String, expected: MessageStatus, retryIn: Double?,
                     providerID: String?) {
        let message = plannedMessage("Hi")
        let outcome = channel.outcome(key: message.key, httpStatus: status, retryAfter: retryAfter, body: Data(body.utf8),
                                      now: pinnedNow(), encoding: SegmentCounter.count("Hi"))
        #expect(outcome.status == expected)
        #expect(outcome.retryAt.map { $0.timeIntervalSince(pinnedNow()) } == retryIn)
        #expect(outcome.providerID == providerID)
    }
}
