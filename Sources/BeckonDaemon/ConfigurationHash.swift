import Crypto
import Foundation

/// One SHA-256 over every file under `etc/` (names and contents, in name order), so `beckon status` can tell
/// which configuration a daemon runs and an operator can compare it with what is on disk.
public enum ConfigurationHash {
    public static func of(folder: URL) -> String {
        var hasher = SHA256()
        let base = folder.standardizedFileURL.path
        let files = (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                    options: [.skipsHiddenFiles])?.allObjects as? [URL] ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .map { String($0.standardizedFileURL.path.dropFirst(base.count)) }
            .sorted()
        for name in files {
            hasher.update(data: Data(name.utf8) + [0])
            hasher.update(data: (try? Data(contentsOf: URL(fileURLWithPath: base + name))) ?? Data())
            hasher.update(data: [0])
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
