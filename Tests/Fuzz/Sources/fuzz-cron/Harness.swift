import BeckonCore
import Foundation
import FuzzDriver

let zones = ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe"].compactMap(TimeZone.init(identifier:))
let start = Date(timeIntervalSince1970: 1_795_000_000)

/// Any text as a cron expression: it parses or throws `CronError`, and what parses can be evaluated.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzDriver.text(data, size)
    guard let expression = try? CronExpression(text) else { return 0 }
    for zone in zones {
        let next = expression.next(after: start, count: 3, in: zone, horizonDays: 366 * 2)
        if let first = next.first, expression.previous(before: first.addingTimeInterval(1), in: zone, horizonDays: 366 * 2) == nil {
            fatalError("'\(text)' fires at \(first) in \(zone.identifier), but nothing fires before it")
        }
    }
    return 0
}

@_cdecl("fuzz_cron_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, test)
}
