import BeckonCore
import Foundation
import Testing

@testable import BeckonReport

/// The HTML report as a person opens it: headless Chromium (Debian's `chromium`, installed by scripts/test) loads
/// the file from disk; its DOM is dumped and asserted, its console must stay silent (a refused request or a script
/// error would print there), and a screenshot is left under .build/ for a person to look at.
@Suite("beckon report in a real browser")
struct ReportBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ arguments: [String]) throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium!)
        // As root (CI) Chromium needs --no-sandbox; no GPU in a container; a throwaway profile each run.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-chromium-\(UUID().uuidString)")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                             "--enable-logging=stderr", "--v=0"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
        return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test("Chromium shows the funnel and heat map numbers, makes no request and logs no console error",
          .enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium; scripts/test installs it): the browser test is skipped"))
    func browser() throws {
        let (figures, expected, folder) = try ReportTests.month(customers: 1_000)
        let page = folder.appendingPathComponent("report.html")
        try ReportFormat.html.render(figures).write(to: page)
        let html = try String(contentsOf: page, encoding: .utf8)
        // Nothing outside the file: no script, stylesheet, image, font or frame to fetch.
        for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "https://", "http://"] {
            #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains(forbidden), "\(forbidden)")
        }

        let (dom, log) = try Self.run(["--dump-dom", page.absoluteString])
        #expect(dom.contains("<h1>Beckon report 2026-11-01 to 2026-11-30</h1>"))
        for campaign in ["winback", "birthday"] {
            let row = try #require(dom.range(of: "<tr data-campaign=\"\(campaign)\">").map { String(dom[$0.lowerBound...].prefix(3_000)) })
            #expect(row.contains("data-stage=\"due\" data-count=\"\(expected.due[campaign]!)\""))
            #expect(row.contains("data-stage=\"delivered\" data-count=\"\(expected.delivered[campaign]!)\" data-of=\"\(expected.sent[campaign]!)\""))
            #expect(row.contains("data-stage=\"clicked\" data-count=\"\(expected.clicked[campaign]!)\""))
        }
        // 7 x 24 cells for each map with events: deliveries, clicks and conversions.
        #expect(dom.components(separatedBy: "<rect class=\"cell\"").count - 1 == 3 * 7 * 24)
        for campaign in ["winback", "birthday"] {
            let row = try #require(dom.range(of: "<tr data-campaign=\"\(campaign)\">").map { String(dom[$0.lowerBound...].prefix(3_000)) })
            let converted = GeneratedMonth.variants.map { (expected.clickThrough[campaign + "/" + $0] ?? 0) + (expected.viewThrough[campaign + "/" + $0] ?? 0) }
            #expect(row.contains("data-stage=\"converted\" data-count=\"\(converted.reduce(0, +))\""), "\(row)")
        }
        let busiest = expected.deliveredCells.enumerated().flatMap { day, hours in hours.enumerated().map { (day, $0.offset, $0.element) } }.max { $0.2 < $1.2 }!
        #expect(dom.contains("data-day=\"\(ReportHTML.dayNames[busiest.0])\" data-hour=\"\(busiest.1)\" data-count=\"\(busiest.2)\""))
        let console = log.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Refused to") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "\(console)")

        let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/report-screenshots")
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        let picture = screenshots.appendingPathComponent("report.png")
        try? FileManager.default.removeItem(at: picture)
        _ = try Self.run(["--screenshot=\(picture.path)", "--window-size=1280,2600", "--hide-scrollbars", page.absoluteString])
        let size = (try? FileManager.default.attributesOfItem(atPath: picture.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot \(picture.path)")
    }
}
