import BeckonCore
import FuzzDriver

/// Any bytes as a delivery report's or reply's form body: decoding never fails and never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzDriver.text(data, size)
    let fields = FormFields.decode(text)
    if let key = fields["key"] { _ = MessageKey(parsing: key) }
    if let reply = fields["text"] { _ = OptOutKeywords().classify(reply) }
    return 0
}

@_cdecl("fuzz_form_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, test)
}
