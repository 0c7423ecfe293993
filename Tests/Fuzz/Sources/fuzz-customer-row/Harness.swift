import BeckonInbox
import Foundation
import FuzzDriver

let file = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-fuzz-row-\(getpid()).csv")
let header = "customer_id,name,phone,birthday,birthday_lunar,timezone,tier,tags,last_order_at,order_count,total_spend,consent_marketing\n"
let zone = TimeZone(identifier: "Asia/Shanghai")!

/// Any bytes as the rows of a customer file under a header with every known column: each row is a customer
/// or a row error naming its field, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var bytes = Data(header.utf8)
    bytes.append(FuzzDriver.bytes(data, size))
    guard (try? bytes.write(to: file)) != nil, var reader = try? CSVReader(url: file),
          let first = try? reader.next(),
          let parser = try? CustomerRowParser(header: first.fields, file: "fuzz.csv", zone: zone) else { return 0 }
    while let record = try? reader.next() {
        switch parser.parse(record) {
        case .success(let customer):
            if customer.id.isEmpty { fatalError("a customer without an id was accepted: \(record.fields)") }
        case .failure(let error):
            _ = error.description
        }
    }
    return 0
}

@_cdecl("fuzz_customer_row_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, test)
}
