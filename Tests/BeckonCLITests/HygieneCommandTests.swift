import Foundation
import GatewaySupport
import Testing

@Suite("beckon hygiene: the monthly number-hygiene report")
struct HygieneCommandTests {
    @Test("an empty month says so in every section; csv has its header; json decodes; the file is written with --out")
    func emptyMonth() throws {
        let home = try LaterHome(customers: 1)
        defer { home.remove() }
        let text = try BeckonBinary.run(["hygiene", "--month", "2026-11", "--config", home.config])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Number hygiene, 2026-11\n"), "\(text.stdout)")
        #expect(text.stdout.components(separatedBy: "  none").count == 4, "\(text.stdout)")
        let csv = try BeckonBinary.run(["hygiene", "--month", "2026-11", "--format", "csv", "--config", home.config])
        #expect(csv.stdout == "section,phone,customer_id,class,codes,at,lapses_at,campaign,variant,count\n")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hygiene-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let json = try BeckonBinary.run(["hygiene", "--month", "2026-11", "--out", out.path, "--config", home.config])
        #expect(json.status == 0 && json.stdout == out.path + "\n", "\(json.stderr)")
        let decoded = try JSONSerialization.jsonObject(with: try Data(contentsOf: out)) as? [String: Any]
        #expect(decoded?["month"] as? String == "2026-11" && (decoded?["suppressed"] as? [Any])?.isEmpty == true)
    }

    @Test("a month that is not YYYY-MM is a usage error naming the option")
    func badMonth() throws {
        let home = try LaterHome(customers: 1)
        defer { home.remove() }
        let result = try BeckonBinary.run(["hygiene", "--month", "2026-13", "--config", home.config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--month '2026-13' is not a month (YYYY-MM)"), "\(result.stderr)")
    }
}
