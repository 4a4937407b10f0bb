import Foundation

/// A parsed Files or Batches API request target, in one of the three URL forms:
/// `/v1/…` (OpenAI), `/openai/v1/…` (Azure v1) and `/openai/…?api-version=…` (Azure dated).
struct BatchRoute: Sendable, Equatable {
    /// The operation the path names.
    enum Operation: Sendable, Equatable {
        case uploadFile
        case file(String)
        case deleteFile(String)
        case fileContent(String)
        case createBatch
        case listBatches
        case batch(String)
        case cancelBatch(String)
    }

    /// Which URL form, deciding the `url` lines must carry and whether embeddings are accepted.
    enum Form: Sendable, Equatable {
        case openAI
        case azureV1
        case azureDated
    }

    var operation: Operation
    var form: Form
    /// The `api-version` query value, if any (required in ``Form/azureDated``).
    var apiVersion: String?
    /// The `after` and `limit` query values of a list.
    var after: String?
    var limit: Int?

    /// Parses `method` and `uri`; `nil` when the target is not a Files or Batches route.
    init?(method: String, uri: String) {
        let pathEnd = uri.firstIndex(of: "?") ?? uri.endIndex
        let path = uri[..<pathEnd]
        let query = pathEnd < uri.endIndex ? uri[uri.index(after: pathEnd)...] : ""
        let rest: Substring
        if path.hasPrefix("/v1/") {
            (form, rest) = (.openAI, path.dropFirst(4))
        } else if path.hasPrefix("/openai/v1/") {
            (form, rest) = (.azureV1, path.dropFirst(11))
        } else if path.hasPrefix("/openai/") {
            (form, rest) = (.azureDated, path.dropFirst(8))
        } else {
            return nil
        }
        var values: [Substring: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? String(parts[1]) : ""
            values[parts[0]] = value.removingPercentEncoding ?? value
        }
        apiVersion = values["api-version"]
        after = values["after"]
        limit = values["limit"].flatMap { Int($0) }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (method, segments.count, segments.first) {
        case ("POST", 1, "files"): operation = .uploadFile
        case ("GET", 2, "files"): operation = .file(segments[1])
        case ("DELETE", 2, "files"): operation = .deleteFile(segments[1])
        case ("GET", 3, "files") where segments[2] == "content": operation = .fileContent(segments[1])
        case ("POST", 1, "batches"): operation = .createBatch
        case ("GET", 1, "batches"): operation = .listBatches
        case ("GET", 2, "batches"): operation = .batch(segments[1])
        case ("POST", 3, "batches") where segments[2] == "cancel": operation = .cancelBatch(segments[1])
        default: return nil
        }
    }
}
