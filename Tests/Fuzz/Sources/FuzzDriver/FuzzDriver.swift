import CLibFuzzer

/// Starts libFuzzer with a harness.
///
/// SwiftPM links an executable's `main` to a function named after its module (`fuzz_cron_main`) so that tests
/// can link executables too; a harness has no `main` of its own (libFuzzer's would be it), so each defines that
/// function and hands over to libFuzzer's driver here.
public enum FuzzDriver {
    public typealias Harness = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ harness: Harness) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, harness)
    }

    /// The input as a buffer (libFuzzer may pass a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    }

    public static func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
        String(decoding: bytes(data, size), as: UTF8.self)
    }
}
