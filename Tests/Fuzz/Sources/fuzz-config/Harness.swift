import BeckonConfig
import Foundation
import FuzzDriver

/// A scratch `etc/` reused by every run: the first byte chooses whether the rest is `etc/beckon.yaml` or a
/// campaign file beside a minimal one. Loading either gives a configuration or a `ConfigError`, never a trap.
let home = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-fuzz-config-\(getpid())")
let etc = home.appendingPathComponent("etc")
let campaigns = etc.appendingPathComponent("campaigns")
let setUp: Void = {
    try? FileManager.default.createDirectory(at: campaigns, withIntermediateDirectories: true)
}()
let minimalCampaign = Data("id: b\ntrigger: { kind: birthday }\ntemplate: hi {{name}}\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = setUp
    guard size > 0 else { return 0 }
    let text = Data(FuzzDriver.bytes(data, size).dropFirst())
    let asCampaign = FuzzDriver.bytes(data, size)[0] & 1 == 1
    do {
        try (asCampaign ? Data("timezone: Asia/Shanghai\n".utf8) : text).write(to: etc.appendingPathComponent("beckon.yaml"))
        try (asCampaign ? text : minimalCampaign).write(to: campaigns.appendingPathComponent("c.yaml"))
    } catch {
        return 0
    }
    _ = try? BeckonConfiguration.load(file: etc.appendingPathComponent("beckon.yaml"))
    return 0
}

@_cdecl("fuzz_config_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, test)
}
