import BeckonCore
import Foundation
import Testing
@testable import BeckonStore

@Suite("JSON columns")
struct JSONTextTests {
    @Test("hand-written encoding round-trips through Foundation's decoder, escapes included")
    func roundTrip() throws {
        let map = ["city": "上海", "quote": "a \"b\" \\ c", "control": "line\nbreak\t\u{01}", "": "empty key"]
        let decoded: [String: String]? = JSONText.decode(JSONText.encode(map))
        #expect(decoded == map)
        let list = ["vip", "母婴", "x,y", "\"q\""]
        let decodedList: [String]? = JSONText.decode(JSONText.encode(list))
        #expect(decodedList == list)
        let consents: [String: Bool]? = JSONText.decode(JSONText.encode(["marketing": false, "beauty": true]))
        #expect(consents == ["marketing": false, "beauty": true])
        let empty: [String: String]? = JSONText.decode("{}")
        #expect(empty == [:])
    }

    @Test("customers survive the store unchanged")
    func customerRoundTrip() throws {
        let store = try SQLiteStore()
        var customer = Customer(id: "C1", name: "王芳", phone: "+8613800138000", tags: ["vip", "母婴"], attributes: ["city": "上海"])
        customer.consents = ["marketing": false]
        try store.upsert([customer])
        #expect(try store.customer(id: "C1") == customer)
    }
}
