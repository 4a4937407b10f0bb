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

    /// One drop folder and the settings of the jobs made from its files.
    public struct FolderEntry: Codable, Sendable, Equatable {
        public var path: String
        public var endpoint: String?
        public var priority: Int?
        public var concurrency: Int?
        public var maxAttempts: Int?
        public var requestTimeoutSeconds: Double?

        public init(
            path: String, endpoint: String? = nil, priority: Int? = nil, concurrency: Int? = nil,
            maxAttempts: Int? = nil, requestTimeoutSeconds: Double? = nil
        ) {
            self.path = path
            self.endpoint = endpoint
            self.priority = priority
            self.concurrency = concurrency
            self.maxAttempts = maxAttempts
            self.requestTimeoutSeconds = requestTimeoutSeconds
        }

        enum CodingKeys: String, CodingKey {
            case path, endpoint, priority, concurrency
            case maxAttempts = "max_attempts"
            case requestTimeoutSeconds = "request_timeout_seconds"
        }
    }
}
