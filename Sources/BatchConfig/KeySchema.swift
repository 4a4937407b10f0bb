import BatchCore
import Foundation

/// The keys each object of a configuration file, watch folder or sidecar may hold, checked before
/// decoding so that a misspelt key is an error instead of a setting silently ignored.
///
/// Guarantees: every key of every object is known at its place, or ``check(json:path:)`` throws a
/// ``ConfigurationError`` naming the file, the key's path and, when one is close, the nearest known
/// key: `config.json: endpoints.local.concurency: unknown key (did you mean concurrency?)`. A key of
/// ``JobSettings`` that exists but does not apply at its place says so instead.
indirect enum KeySchema: Sendable {
    /// Any value; its contents are not checked.
    case value
    /// An object with these keys.
    case object([String: KeySchema])
    /// An object whose keys are names the user chose (endpoints, deployments), each value `schema`.
    case names(KeySchema)
    /// An array of `schema`.
    case list(KeySchema)

    /// An object with `own` keys plus the job settings `settings`.
    static func settingsObject(_ own: [String: KeySchema], settings: [String]) -> KeySchema {
        var keys = own
        for key in settings { keys[key] = .value }
        return .object(keys)
    }

    static let deployment = settingsObject([:], settings: JobSettings.sendingKeys)
    static let endpoint = settingsObject(
        [
            "type": .value, "url": .value, "api_version": .value, "responses_api_version": .value,
            "api_key_env": .value, "api_key_file": .value, "deployments": .names(deployment),
            "auth": AuthEntry.schema,
        ], settings: JobSettings.sendingKeys)
    static let folder = settingsObject(["path": .value], settings: JobSettings.keys)
    static let watch = KeySchema.object([
        "quiet_seconds": .value, "poll_seconds": .value, "folders": .list(folder),
    ])
    /// A price entry: the name of a model to price as (a string, not checked here), or a price.
    static let price = KeySchema.object(
        Dictionary(
            uniqueKeysWithValues: ModelPrice.keys.map { key in
                (key, key == "live" || key == "batch" ? rates : .value)
            }))
    static let rates = KeySchema.object(
        Dictionary(uniqueKeysWithValues: ModelPrice.Rates.keys.map { ($0, KeySchema.value) }))
    static let configFile = settingsObject(
        [
            "default_endpoint": .value, "endpoints": .names(endpoint), "watch": watch,
            "allowed_file_roots": .value, "max_upload_bytes": .value, "prices": .names(price),
            "cache_max_age": .value, "cache_keep_bodies": .value,
        ],
        settings: JobSettings.sendingKeys
            + [
                JobSettings.CodingKeys.endpoint, .maxCost, .ordered, .via, .batchMaxLines, .batchMaxBytes,
                .batchPollSeconds, .batchFallback, .keepRemoteFiles, .cache,
            ]
            .map(\.rawValue))
    static let sidecar = settingsObject([:], settings: JobSettings.keys)

    /// Checks the JSON text `json`; an invalid document is left for the decoder to report.
    func check(json: Data, path: String) throws {
        guard let value = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]) else {
            return
        }
        if let problem = problem(in: value, at: "") { throw ConfigurationError("\(path): \(problem)") }
    }

    /// The first problem in `value`, whose key path is `at`.
    func problem(in value: Any, at path: String) -> String? {
        switch self {
        case .value:
            return nil
        case .list(let element):
            guard let array = value as? [Any] else { return nil }
            for (index, item) in array.enumerated() {
                if let problem = element.problem(in: item, at: "\(path)[\(index)]") { return problem }
            }
            return nil
        case .names(let element):
            guard let object = value as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                if let problem = element.problem(in: object[key]!, at: Self.join(path, key)) {
                    return problem
                }
            }
            return nil
        case .object(let keys):
            guard let object = value as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                let place = Self.join(path, key)
                guard let schema = keys[key] else { return Self.unknown(key, at: place, known: keys.keys) }
                if let problem = schema.problem(in: object[key]!, at: place) { return problem }
            }
            return nil
        }
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private static func unknown(_ key: String, at place: String, known: Dictionary<String, KeySchema>.Keys)
        -> String
    {
        if JobSettings.keys.contains(key) {
            let topLevel = [
                "endpoint", "max_cost", "ordered", "via", "batch_max_lines", "batch_max_bytes",
                "batch_poll_seconds", "batch_fallback", "keep_remote_files",
            ]
            return
                "\(place): \(key) cannot be set here (it belongs to a job: the command line, a watch folder"
                + " or a sidecar\(topLevel.contains(key) ? ", or the top level" : ""))"
        }
        guard let nearest = KeySuggestion.nearest(to: key, among: Array(known)) else {
            return "\(place): unknown key (known here: \(known.sorted().joined(separator: ", ")))"
        }
        return "\(place): unknown key (did you mean \(nearest)?)"
    }
}

/// The known key a misspelt one most likely meant.
enum KeySuggestion {
    /// The key of `candidates` nearest to `key` by edit distance, if it is close enough to be a typo
    /// (at most a third of the key's length, and at least 1, edits away).
    static func nearest(to key: String, among candidates: [String]) -> String? {
        let limit = max(1, key.count / 3)
        let scored = candidates.map { ($0, distance(key.lowercased(), $0)) }.filter { $0.1 <= limit }
        return scored.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    /// Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours
    /// as one edit (optimal string alignment): `tmp` is one edit from `tpm`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
