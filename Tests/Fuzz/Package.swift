// swift-tools-version:6.1
import Foundation
import PackageDescription

// libFuzzer harnesses for Beckon's parsers, in a package of their own because they build with
// `-sanitize=fuzzer,address -parse-as-library` (libFuzzer supplies `main`), which the main package's
// executables and tests cannot take. Built and run by `scripts/fuzz`; each harness is one file with
// `LLVMFuzzerTestOneInput` and the entry point SwiftPM expects (see FuzzDriver), and its seed corpus is
// `Corpus/<name>/`.
//
// A path dependency is known by its folder's name, which differs between checkouts (main, a CI clone):
// read it from where this manifest sits instead of spelling it.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let beckon = root.lastPathComponent

func harness(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzDriver"] + products.map { .product(name: $0, package: beckon) },
                      path: "Sources/fuzz-\(name)")
}

let package = Package(
    name: "BeckonFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: root.path)],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"]),
        harness("cron", ["BeckonCore"]),
        harness("template", ["BeckonCore"]),
        harness("form", ["BeckonCore"]),
        harness("config", ["BeckonConfig"]),
        harness("csv", ["BeckonInbox"]),
        harness("customer-row", ["BeckonInbox"]),
    ]
)
