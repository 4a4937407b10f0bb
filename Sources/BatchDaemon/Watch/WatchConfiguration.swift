import BatchConfig
import BatchCore
import Foundation

/// A drop folder as the watcher uses it: its canonical path and the settings of its jobs.
public struct WatchedFolder: Sendable, Equatable {
    /// Absolute, symlink-resolved.
    public var path: String
    /// The settings of the jobs made from its files.
    public var settings: JobSettings

    public init(path: String, settings: JobSettings = JobSettings()) {
        self.path = Paths.canonical(path)
        self.settings = settings
    }

    public init(_ entry: ConfigFile.FolderEntry) {
        self.init(path: entry.path, settings: entry.settings)
    }

    /// The settings of one file's job: its sidecar's, over the folder's.
    public func settings(with sidecar: JobSettings?) -> JobSettings {
        sidecar.map { $0.over(settings) } ?? settings
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
