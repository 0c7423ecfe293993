import Foundation

extension BeckonConfiguration {
    /// Where the store is and which zone times are shown in, read from the main file alone: for commands that
    /// must work when the rest of `etc/` does not load (`beckon status` after a refused reload).
    public static func storeLocation(file: URL) throws -> (database: URL, timeZone: TimeZone) {
        let home = file.deletingLastPathComponent().deletingLastPathComponent()
        let root = try ConfigNode.load(contentsOf: file)
        let path = try root.optional("database")?.string() ?? "var/beckon.sqlite"
        let database = path.hasPrefix("/") ? URL(fileURLWithPath: path) : home.appendingPathComponent(path)
        return (database, try root.optional("timezone")?.timeZone() ?? TimeZone(identifier: "Asia/Shanghai")!)
    }
}
