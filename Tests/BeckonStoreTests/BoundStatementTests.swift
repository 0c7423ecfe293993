import BeckonCore
import Foundation
import GRDB
import Testing
@testable import BeckonStore

@Suite("BoundStatement: text bound and read by length")
struct BoundStatementTests {
    @Test("a NUL inside an id is kept: VIC-0001<NUL>x is another customer than VIC-0001")
    func nulKept() throws {
        let store = try SQLiteStore()
        try store.upsert([Customer(id: "VIC-0001", name: "Victor", phone: "+8613800138000")])
        try store.upsert([Customer(id: "VIC-0001\0x", name: "Mal\0lory", phone: "+8613900139000")])
        #expect(try store.customer(id: "VIC-0001")?.phone == "+8613800138000")
        let other = try #require(try store.customer(id: "VIC-0001\0x"))
        #expect(other.name == "Mal\0lory" && other.name.utf8.count == 8)
        #expect(try store.customerCount() == 2)
    }

    @Test("the empty string is bound as '' (not NULL), multi-byte text as it is")
    func emptyAndUnicode() throws {
        let store = try SQLiteStore()
        try store.upsert([Customer(id: "C1", name: "", phone: "+8613800138000", attributes: ["城市": "上海 🎂"])])
        let customer = try #require(try store.customer(id: "C1"))
        #expect(customer.name == "" && customer.attributes == ["城市": "上海 🎂"])
    }
}
