import BatchCore
import Foundation

extension ConfigFile {
    /// The `watch` section of the configuration file: drop folders and how they are watched.
    ///
    /// ```json
    /// "watch": {
    ///   "quiet_seconds": 5, "poll_seconds": 5,
    ///   "folders": [
    ///     {"path": "/srv/batchd/nightly", "endpoint": "azure-east", "priority": 1, "concurrency": 32}
    ///   ]
    /// }
    /// ```
    public struct WatchEntry: Codable, Sendable, Equatable {
        /// How long a file written in place must keep its size and modification time (default 5 s).
        public var quietSeconds: Double?
        /// Seconds between full rescans, the fallback when a filesystem delivers no events (default 5 s).
        public var pollSeconds: Double?
        public var folders: [FolderEntry]

        public init(quietSeconds: Double? = nil, pollSeconds: Double? = nil, folders: [FolderEntry] = []) {
            self.quietSeconds = quietSeconds
            self.pollSeconds = pollSeconds
            self.folders = folders
        }

        enum CodingKeys: String, CodingKey {
            case folders
            case quietSeconds = "quiet_seconds"
            case pollSeconds = "poll_seconds"
        }
    }

    /// One drop folder and the settings of the jobs made from its files (every key of
    /// ``JobSettings``).
    public struct FolderEntry: Codable, Sendable, Equatable {
        public var path: String
        public var settings: JobSettings

        public init(path: String, settings: JobSettings = JobSettings()) {
            self.path = path
            self.settings = settings
        }

        enum CodingKeys: String, CodingKey {
            case path
        }

        public init(from decoder: any Decoder) throws {
            path = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .path)
            settings = try JobSettings(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            try settings.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
        }
    }
}
