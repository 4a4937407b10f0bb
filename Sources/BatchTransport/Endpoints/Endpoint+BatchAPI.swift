import BatchCore

/// Where the Files and Batches APIs are, and the `url` their lines carry, per URL form:
/// - OpenAI: `{base}/files`, `{base}/batches/…`; lines `/v1/{path}`.
/// - Azure v1 (api-version `v1`, or a base ending in `/openai/v1`): `{base}/openai/v1/files`,
///   …; lines `/v1/{path}`.
/// - Azure dated: `{base}/openai/files?api-version={version}`, …; lines `/{path}` (no `/v1`).
extension Endpoint {
    /// The URL of `resource` (`files`, `batches`, `batches/{id}/cancel`, `files/{id}/content`),
    /// with `query` (`limit=100&after=…`, already escaped) when given.
    public func batchAPIURL(_ resource: String, query: String? = nil) -> String {
        let url: String
        var parameters = query.map { [$0] } ?? []
        switch flavor {
        case .openAI:
            url = "\(baseURL)/\(resource)"
        case .azure(let version, _):
            if baseURL.hasSuffix("/openai/v1") {
                url = "\(baseURL)/\(resource)"
            } else if version == "v1" {
                url = "\(baseURL)/openai/v1/\(resource)"
            } else {
                url = "\(baseURL)/openai/\(resource)"
                parameters.insert("api-version=\(Self.escapeQueryValue(version))", at: 0)
            }
        }
        return parameters.isEmpty ? url : url + "?" + parameters.joined(separator: "&")
    }

    /// Whether lines carry the dated form's `url` (`/chat/completions`, no `/v1`).
    var usesDatedBatchLines: Bool {
        guard case .azure(let version, _) = flavor else { return false }
        return version != "v1" && !baseURL.hasSuffix("/openai/v1")
    }

    /// The `url` a Batch API line of `path` carries here.
    public func batchLineURL(for path: APIPath) -> String {
        usesDatedBatchLines ? "/\(path.rawValue)" : "/v1/\(path.rawValue)"
    }

    /// Whether this provider's Batch API takes lines of `path`. OpenAI: its documented list
    /// (``APIPath/batchAPI``) but image edits, which batchd builds from local files; Azure:
    /// chat completions and responses only (no embeddings, per its FAQ).
    public func batchAPITakes(_ path: APIPath) -> Bool {
        if isAzure { return path == .chatCompletions || path == .responses }
        return APIPath.batchAPI.contains(path) && !path.sendsFile
    }

    /// Most requests per uploaded file (Azure 100,000; OpenAI 50,000).
    public var batchAPIMaxLines: Int {
        Int(isAzure ? ProviderLimits.azureBatchRequests : ProviderLimits.openAIBatchRequests)
    }
}
