import BatchConfig
import Foundation

/// Per-file settings for one input in a drop folder, read from `<stem>.job.json` or
/// `<stem>.job.toml` beside it. Every field is optional and overrides the folder's setting.
///
/// ```json
/// {"endpoint": "azure-east", "priority": 5, "concurrency": 8, "max_attempts": 4, "request_timeout_seconds": 120}
/// ```
///
/// The TOML form takes the same keys as flat `key = value` lines (strings in double quotes,
/// numbers bare, `#` comments); tables and arrays are refused with an error naming the line.
public struct JobSidecar: Codable, Sendable, Equatable {
    public var endpoint: String?
    public var priority: Int?
    public var concurrency: Int?
    public var maxAttempts: Int?
    public var requestTimeoutSeconds: Double?

    public init(
        endpoint: String? = nil, priority: Int? = nil, concurrency: Int? = nil, maxAttempts: Int? = nil,
        requestTimeoutSeconds: Double? = nil
    ) {
        self.endpoint = endpoint
        self.priority = priority
        self.concurrency = concurrency
        self.maxAttempts = maxAttempts
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, priority, concurrency
        case maxAttempts = "max_attempts"
        case requestTimeoutSeconds = "request_timeout_seconds"
    }

    /// Decodes a sidecar; `path` names the file in errors and chooses the format by its suffix.
    public static func decode(_ text: String, path: String) throws -> JobSidecar {
        if path.hasSuffix(".toml") { return try decodeTOML(text, path: path) }
        do {
            return try JSONDecoder().decode(JobSidecar.self, from: Data(text.utf8))
        } catch {
            throw ConfigurationError("\(path): not a valid job sidecar: \(error)")
        }
    }

    private static func decodeTOML(_ text: String, path: String) throws -> JobSidecar {
        var sidecar = JobSidecar()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let place = "\(path):\(index + 1)"
            guard parts.count == 2 else { throw ConfigurationError("\(place): expected key = value") }
            let value = parts[1].split(separator: "#", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard let value, !value.isEmpty else { throw ConfigurationError("\(place): missing value") }
            switch parts[0] {
            case "endpoint":
                guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
                    throw ConfigurationError("\(place): endpoint must be a quoted string")
                }
                sidecar.endpoint = String(value.dropFirst().dropLast())
            case "priority": sidecar.priority = try integer(value, place)
            case "concurrency": sidecar.concurrency = try integer(value, place)
            case "max_attempts": sidecar.maxAttempts = try integer(value, place)
            case "request_timeout_seconds":
                guard let number = Double(value) else { throw ConfigurationError("\(place): not a number") }
                sidecar.requestTimeoutSeconds = number
            default:
                throw ConfigurationError("\(place): unknown key \"\(parts[0])\"")
            }
        }
        return sidecar
    }

    private static func integer(_ value: String, _ place: String) throws -> Int {
        guard let number = Int(value) else { throw ConfigurationError("\(place): not an integer") }
        return number
    }
}
