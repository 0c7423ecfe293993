import BeckonInbox
import Foundation
import FuzzDriver

let file = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-fuzz-csv-\(getpid()).csv")

/// Any bytes as an inbox CSV file: the reader returns records or a `CSVError`, never traps or loops. A small
/// chunk size makes quotes, CR/LF pairs and multi-byte characters straddle the reader's buffer boundaries.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard (try? Data(FuzzDriver.bytes(data, size)).write(to: file)) != nil else { return 0 }
    for chunkSize in [7, 1 << 16] {
        guard var reader = try? CSVReader(url: file, chunkSize: chunkSize) else { continue }
        var records = 0
        while let record = try? reader.next() {
            records += 1
            if records > size + 2 { fatalError("more records than bytes: the reader does not advance") }
            _ = record.fields.count
        }
    }
    return 0
}

@_cdecl("fuzz_csv_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, test)
}
