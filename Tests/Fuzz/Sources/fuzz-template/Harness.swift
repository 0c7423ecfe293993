import BeckonCore
import FuzzDriver

let values = ["name": "王芳", "surname": "王", "customer_id": "C1", "tier": "gold", "product": "Zoé", "amount": "12.5"]

/// Any text as a message template: it parses or throws `TemplateError`, and what parses renders or throws.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzDriver.text(data, size)
    guard let template = try? MessageTemplate(text) else { return 0 }
    _ = try? template.render(values)
    _ = try? template.render([:])
    if let rendered = try? template.render(values) { _ = SegmentCounter.count(rendered) }
    // With tracked links as the composer fills them: every link target's text given.
    let links = Dictionary(template.linkTargets.map { ($0, "https://m.brand.cn/XXXXXXX") }, uniquingKeysWith: { first, _ in first })
    _ = try? template.render(values, links: links)
    return 0
}

@_cdecl("fuzz_template_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, test)
}
