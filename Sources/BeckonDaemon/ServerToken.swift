import BeckonConfig
import BeckonCore
import Crypto
import Foundation

/// The shared secret every HTTP request to Beckon must carry.
///
/// From `server.token` when configured; otherwise read from `server.token_file`, which is created with
/// 32 random bytes (hex) and mode 0600 on first use, so a fresh install is never open.
enum ServerToken {
    static func resolve(_ server: ServerConfiguration) throws -> String {
        if let token = server.token { return token }
        let file = server.tokenFile
        if let existing = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           !existing.isEmpty {
            return existing
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let token = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.hexString
        FileManager.default.createFile(atPath: file.path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return token
    }
}
