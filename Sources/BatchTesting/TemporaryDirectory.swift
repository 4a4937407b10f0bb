import Foundation

/// A unique folder under the system's temporary directory, removed on `deinit` or ``remove()``.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("batchd-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// The directory's path.
    public var root: String { url.path }

    /// The path of `name` inside the directory (the file need not exist).
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Writes `lines`, each followed by `\n`, to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, lines: [String]) -> String {
        write(name, bytes: Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) -> String {
        let path = path(name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
