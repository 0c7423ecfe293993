import Foundation

/// Writes a starter kit into a folder, all or nothing as far as existing files go: without `force`, a kit
/// whose files would replace any existing file writes nothing and names the first such file.
public enum StarterKitWriter {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// `path` exists and `--force` was not given.
        case exists(path: String)
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .exists(let path): return "\(path) already exists; nothing was written (use --force to overwrite the kit's files)"
            case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
            }
        }
    }

    /// - Returns: the paths written, in the kit's order.
    @discardableResult
    public static func write(_ kit: StarterKit, into folder: URL, force: Bool) throws(Failure) -> [String] {
        let fm = FileManager.default
        let targets = kit.files.map { (file: $0, url: folder.appendingPathComponent($0.path)) }
        // Every file is checked before the first is written, so a refusal leaves the folder as it was.
        if !force, let existing = targets.first(where: { fm.fileExists(atPath: $0.url.path) }) {
            throw .exists(path: existing.url.path)
        }
        var written: [String] = []
        for target in targets {
            do {
                try fm.createDirectory(at: target.url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(target.file.contents.utf8).write(to: target.url, options: .atomic)
            } catch {
                throw .cannotWrite(path: target.url.path, reason: "\(error.localizedDescription)")
            }
            written.append(target.url.path)
        }
        return written
    }
}
