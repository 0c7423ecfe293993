import BeckonCore
@testable import BeckonDispatch
import Foundation
import Testing

@Suite("Kannel sendsms channel")
struct KannelChannelTests {
    let channel = KannelChannel(id: "kannel", settings: .init(
        sendsmsURL: URL(string: "http://127.0.0.1:13013/cgi-bin/sendsms")!, username: "beckon", password: "secret",
        dlrBaseURL: URL(string: "http://127.0.0.1:8480/dlr/kannel")!, references: DeliveryReference(token: "t"), maxParts: 3))

    private func value(_ name: String, in items: [URLQueryItem]) -> String? {
        items.first { $0.name == name }?.value
    }

    @Test("Chinese text is sent with coding=2 and charset=UTF-8")
    func chineseUsesUCS2() {
        let items = channel.parameters(for: plannedMessage("您好，春节快乐"))
        #expect(value("coding", in: items) == "2")
        #expect(value("charset", in: items) == "UTF-8")
        #expect(value("text", in: items) == "您好，春节快乐")
    }

    @Test("GSM-7 text is sent without a coding")
    func englishUsesDefaultCoding() {
        let items = channel.parameters(for: plannedMessage("Happy new year"))
        #expect(value("coding", in: items) == nil)
    }

    @Test("the dlr-url carries only what Beckon reads: the message's reference and %d, %A, %F; no token, key or phone escapes")
    func dlrURLCarriesOnlyWhatBeckonReads() throws {
        let message = plannedMessage("Hi")
        let items = channel.parameters(for: message)
        #expect(value("dlr-mask", in: items) == "31")
        let dlr = try #require(value("dlr-url", in: items))
        let components = try #require(URLComponents(string: dlr.replacingOccurrences(of: "%", with: "%25")))
        #expect(components.path == "/dlr/kannel")
        #expect(components.queryItems?.map(\.name) == ["ref", "status", "answer", "provider_id"])
        #expect(dlr.hasSuffix("&status=%d&answer=%A&provider_id=%F"))
        let reference = try #require(components.queryItems?.first?.value)
        #expect(DeliveryReference(token: "t").open(reference) == message.key)
        for leak in ["token", "%p", "%P", "C001", "spring", "8613800138000"] { #expect(!dlr.contains(leak), "\(leak) in \(dlr)") }
    }

    @Test("replies map to sent, queued, permanent and transient failures", arguments: [
        (202, "0: Accepted for delivery", MessageStatus.sent, false),
        (202, "3: Queued for later delivery", .queued, false),
        (400, "Missing receiver number", .failed, false),
        (403, "Authorization failed for sendsms", .failed, false),
        (503, "Temporal failure, try again later.", .failed, true),
    ])
    func mapsReplies(status: Int, body: String, expected: MessageStatus, retries: Bool) {
        let message = plannedMessage("Hi")
        let outcome = KannelChannel.outcome(key: message.key, httpStatus: status, body: body, now: pinnedNow(),
                                            encoding: SegmentCounter.count("Hi"))
        #expect(outcome.status == expected)
        #expect((outcome.retryAt != nil) == retries)
        #expect(outcome.providerCode?.hasPrefix("\(status)") == true)
    }

    @Test("a message longer than max_parts fails with a reason and is never truncated")
    func tooLongFails() async {
        let outcome = await channel.send(plannedMessage(String(repeating: "好", count: 300)), now: pinnedNow)
        #expect(outcome.status == .failed)
        #expect(outcome.retryAt == nil)
        #expect(outcome.reasonCode == "too_many_parts(5>3)")
    }

    @Test("a refused connection is a transient failure")
    func refusedIsTransient() async {
        let unreachable = KannelChannel(id: "kannel", settings: .init(
            sendsmsURL: URL(string: "http://127.0.0.1:9/cgi-bin/sendsms")!, username: "u", password: "p", timeout: 2))
        let outcome = await unreachable.send(plannedMessage("Hi"), now: pinnedNow)
        #expect(outcome.status == .failed)
        #expect(outcome.retryAt != nil)
        #expect(outcome.reasonCode == "kannel_unreachable")
    }
}

@Suite("Form encoding for gateways")
struct FormEncodingTests {
    @Test("plus, ampersand, equals and percent are escaped; unreserved characters pass")
    func escapes() {
        #expect(FormEncoding.escape("+86 a&b=c%d~-._") == "%2B86%20a%26b%3Dc%25d~-._")
        #expect(FormEncoding.escape("好") == "%E5%A5%BD")
    }
}
