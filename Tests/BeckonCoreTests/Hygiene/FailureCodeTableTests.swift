import BeckonCore
import Foundation
import Testing

@Suite("Number hygiene: failure codes classified by the built-in table and a channel's own entries")
struct FailureCodeTableTests {
    @Test("built-in codes as gateways wrap them", arguments: [
        // Kannel: report type and the SMSC's answer; SMPP command_status by value.
        ("2 NACK/0x0b/Invalid Destination Address", FailureClass.invalid),
        ("16 NACK/0x0000000b/Invalid Destination Address", .invalid),
        ("2 NACK/0x58/Throttling error", .throttled),
        ("2 NACK/0x45/Submit failed", .transient),
        // An SMPP receipt text whose stat carries a CMPP status.
        ("2 id:123 sub:001 dlvrd:000 submit date:2611241031 done date:2611241032 stat:MK:0001 err:000 text:", .invalid),
        ("2 id:123 sub:001 dlvrd:000 submit date:2611241031 done date:2611241032 stat:UNDELIV err:001 text:", .transient),
        // CMPP Stat as a generic gateway reports it.
        ("MK:0001", .invalid), ("mk:0001", .invalid), ("DB:0101", .invalid), ("MI:0073", .invalid),
        ("MK:0005", .suspended), ("DB:0102", .suspended), ("MI:0051", .suspended),
        ("DB:0144", .carrierOptOut), ("MBBLACK", .carrierOptOut), ("TDBLACK", .carrierOptOut),
        ("MK:0115", .contentBlocked), ("KEYWORD", .contentBlocked),
        ("IB:0008", .throttled), ("MI:0061", .throttled), ("LIMIT", .throttled),
        // Documented only vaguely, or not at all: transient.
        // Letters-only codes match in their case: a sentence in a gateway's reply is not a status word.
        ("Number is on black list", .transient), ("BLACK", .carrierOptOut),
        ("UNDELIV", .transient), ("EXPIRED", .transient), ("REJECTD", .transient), ("MI:0013", .transient),
        ("MK:0012", .transient), ("MI:0054", .transient), ("", .transient), ("some new code", .transient),
    ])
    func builtIn(code: String, expected: FailureClass) {
        #expect(FailureCodeTable().classify(code) == expected, "\(code)")
    }

    @Test("a channel's own entries win over the built-in ones; hard_failure_codes are class invalid")
    func overrides() {
        let table = FailureCodeTable.channel(overrides: ["MK:0005": .transient, "E42": .suspended], hardFailureCodes: ["BAD_NUMBER", "0x0B"])
        #expect(table.classify("MK:0005") == .transient)
        #expect(table.classify("E42") == .suspended)
        #expect(table.classify("BAD_NUMBER") == .invalid)
        #expect(table.classify("2 NACK/0x0000000b/x") == .invalid)
        #expect(table.classify("MK:0001") == .invalid)
        #expect(FailureCodeTable().classify("E42") == .transient)
    }

    @Test("among several known words the most specific class wins")
    func precedence() {
        #expect(FailureCodeTable().classify("LIMIT MK:0001") == .invalid)
        #expect(FailureCodeTable().classify("KEYWORD/MK:0005") == .suspended)
    }
}
