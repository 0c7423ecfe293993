import BeckonCore

/// Any bytes as a delivery report's or reply's form body: decoding never fails and never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let fields = FormFields.decode(text)
    if let key = fields["key"] { _ = MessageKey(parsing: key) }
    if let reply = fields["text"] { _ = OptOutKeywords().classify(reply) }
    return 0
}
