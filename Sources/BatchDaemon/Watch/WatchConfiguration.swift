import BatchConfig
import BatchCore
import Foundation

/// A drop folder as the watcher uses it: its canonical path and the settings of its jobs.
public struct WatchedFolder: Sendable, Equatable {
    /// Absolute, symlink-resolved.
    public var path: String
    public var endpoint: String
    public var priority: Int
    public var options: JobOptions

    public init(
        path: String, endpoint: String = "default", priority: Int = 0, options: JobOptions = JobOptions()
    ) {
        self.path = Paths.canonical(path)
        self.endpoint = endpoint
        self.priority = priority
        self.options = options
    }

    public init(_ entry: ConfigFile.FolderEntry) {
        self.init(
            path: entry.path, endpoint: entry.endpoint ?? "default", priority: entry.priority ?? 0,
            options: JobOptions(
                concurrency: entry.concurrency, maxAttempts: entry.maxAttempts,
                requestTimeoutSeconds: entry.requestTimeoutSeconds))
    }

    /// The settings for one file: the folder's, overridden by the file's sidecar.
    public func settings(with sidecar: JobSidecar?) -> (endpoint: String, priority: Int, options: JobOptions)
    {
        guard let sidecar else { return (endpoint, priority, options) }
        var merged = options
        merged.concurrency = sidecar.concurrency ?? merged.concurrency
        merged.maxAttempts = sidecar.maxAttempts ?? merged.maxAttempts
        merged.requestTimeoutSeconds = sidecar.requestTimeoutSeconds ?? merged.requestTimeoutSeconds
        return (sidecar.endpoint ?? endpoint, sidecar.priority ?? priority, merged)
    }
}

/// Everything the drop-folder watcher needs to know, from the command line and the config file.
public struct WatchConfiguration: Sendable, Equatable {
    public var folders: [WatchedFolder]
    public var quietPeriod: Duration
    public var pollInterval: Duration

    public static let defaultQuietPeriod: Duration = .seconds(5)
    public static let defaultPollInterval: Duration = .seconds(5)

    public init(folders: [WatchedFolder], quietPeriod: Duration, pollInterval: Duration) {
        self.folders = folders
        self.quietPeriod = quietPeriod
        self.pollInterval = pollInterval
    }

    /// The config file's folders plus `extraFolders` (`--watch`, default settings, skipped when
    /// the file already names them); `quietSeconds` (`--quiet-period`) wins over the file.
    public init(file: ConfigFile, extraFolders: [String], quietSeconds: Double?) {
        var folders = (file.watch?.folders ?? []).map(WatchedFolder.init)
        for path in extraFolders where !folders.contains(where: { $0.path == Paths.canonical(path) }) {
            folders.append(WatchedFolder(path: path))
        }
        let quiet = quietSeconds ?? file.watch?.quietSeconds
        let poll = file.watch?.pollSeconds
        self.init(
            folders: folders,
            quietPeriod: quiet.map { .milliseconds(Int64($0 * 1000)) } ?? Self.defaultQuietPeriod,
            pollInterval: poll.map { .milliseconds(Int64(max(0.05, $0) * 1000)) } ?? Self.defaultPollInterval)
    }
}
