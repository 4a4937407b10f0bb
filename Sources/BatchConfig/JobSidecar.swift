import BatchCore
import Foundation

/// The settings of one input in a drop folder, read from `<stem>.job.json` or `<stem>.job.toml`
/// beside it: the keys of ``JobSettings``, each overriding the folder's.
///
/// ```json
/// {"endpoint": "azure-east", "priority": 5, "concurrency": 8, "rpm": 600, "max_attempts": 4}
/// ```
///
/// The TOML form takes the same keys as flat `key = value` lines (strings in double quotes,
/// numbers bare, `#` comments); tables and arrays are refused with an error naming the line. Both
/// forms go through the same decoding and checks as the configuration file: an unknown key is an
/// error naming it and the nearest known key.
public enum JobSidecar {
    /// Decodes a sidecar; `path` names the file in errors and chooses the format by its suffix.
    public static func decode(_ text: String, path: String) throws -> JobSettings {
        let json = path.hasSuffix(".toml") ? try jsonFromTOML(text, path: path) : Data(text.utf8)
        try KeySchema.sidecar.check(json: json, path: path)
        let settings = try ConfigDecoding.decode(JobSettings.self, from: json, path: path)
        if let problem = settings.problem() { throw ConfigurationError("\(path): \(problem)") }
        return settings
    }

    /// The flat TOML lines as one JSON object, each key checked where it is written.
    private static func jsonFromTOML(_ text: String, path: String) throws -> Data {
        var object: [String: Any] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let place = "\(path):\(index + 1)"
            if line.hasPrefix("[") { throw ConfigurationError("\(place): tables are not supported") }
            let parts = line.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2 else { throw ConfigurationError("\(place): expected key = value") }
            let key = parts[0]
            guard JobSettings.keys.contains(key) else {
                let hint = KeySuggestion.nearest(to: key, among: JobSettings.keys).map {
                    " (did you mean \($0)?)"
                }
                throw ConfigurationError("\(place): \(key): unknown key" + (hint ?? ""))
            }
            guard let value = value(parts[1]) else {
                throw ConfigurationError("\(place): \(key): expected a quoted string or a number")
            }
            object[key] = value
        }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// A quoted string or a number, before any trailing `#` comment.
    private static func value(_ text: String) -> Any? {
        if text.hasPrefix("\"") {
            guard let end = text.dropFirst().firstIndex(of: "\"") else { return nil }
            let rest = text[text.index(after: end)...].trimmingCharacters(in: .whitespaces)
            guard rest.isEmpty || rest.hasPrefix("#") else { return nil }
            return String(text[text.index(after: text.startIndex)..<end])
        }
        let bare = text.split(separator: "#", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let bare, !bare.isEmpty else { return nil }
        if let integer = Int(bare) { return integer }
        return Double(bare)
    }
}
