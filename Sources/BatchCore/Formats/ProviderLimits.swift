/// A provider limit an input file crosses: what it is, the limit, what the file has, and the first
/// line that crosses it (when one line does).
public struct LimitCrossing: Sendable, Equatable, Codable {
    /// A stable code, e.g. `openai_batch_requests`.
    public var code: String
    public var limit: Int64
    /// What the file has: requests, bytes, or lines over a per-request limit.
    public var found: Int64
    public var firstLine: Int?
    public var message: String

    enum CodingKeys: String, CodingKey {
        case code, limit, found, message
        case firstLine = "first_line"
    }

    /// Every key, `first_line` as `null` when no one line crosses the limit (a stable schema).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(limit, forKey: .limit)
        try container.encode(found, forKey: .found)
        try container.encode(firstLine, forKey: .firstLine)
        try container.encode(message, forKey: .message)
    }
}

/// The limits of the hosted APIs a file is checked against by `batchctl validate`: batchd sends
/// any number of lines, but a file bound for the Batch API, or requests over a per-request limit,
/// will fail there. Figures from the providers' documentation (see `api-facts.md`).
public enum ProviderLimits {
    /// Requests per OpenAI Batch API file.
    public static let openAIBatchRequests: Int64 = 50_000
    /// Requests per Azure OpenAI batch file.
    public static let azureBatchRequests: Int64 = 100_000
    /// Bytes per Batch API file (OpenAI and Azure).
    public static let batchFileBytes: Int64 = 200 * 1_000_000
    /// Inputs per embeddings request.
    public static let embeddingInputs: Int64 = 2_048
    /// Bytes per uploaded audio file.
    public static let uploadBytes: Int64 = 25 * 1024 * 1024

    /// What one file has, for the checks.
    public struct Facts: Sendable, Equatable {
        public var requests: Int64 = 0
        public var bytes: Int64 = 0
        /// Embeddings requests with more than ``embeddingInputs`` inputs, and the first one's line.
        public var overlongEmbeddings: (count: Int64, firstLine: Int)? = nil
        /// Requests the OpenAI Batch API does not run (audio), and the first one's line.
        public var unbatchable: (count: Int64, firstLine: Int)? = nil
        /// Uploads over ``uploadBytes`` (allowed by a raised `max_upload_bytes`), and the first one's line.
        public var overlongUploads: (count: Int64, firstLine: Int)? = nil

        public init() {}

        public static func == (lhs: Facts, rhs: Facts) -> Bool {
            lhs.requests == rhs.requests && lhs.bytes == rhs.bytes
                && lhs.overlongEmbeddings?.count == rhs.overlongEmbeddings?.count
                && lhs.overlongEmbeddings?.firstLine == rhs.overlongEmbeddings?.firstLine
                && lhs.unbatchable?.count == rhs.unbatchable?.count
                && lhs.unbatchable?.firstLine == rhs.unbatchable?.firstLine
                && lhs.overlongUploads?.count == rhs.overlongUploads?.count
                && lhs.overlongUploads?.firstLine == rhs.overlongUploads?.firstLine
        }
    }

    /// Every limit `facts` crosses, in a fixed order.
    public static func crossed(_ facts: Facts) -> [LimitCrossing] {
        var found: [LimitCrossing] = []
        if facts.requests > openAIBatchRequests {
            found.append(
                LimitCrossing(
                    code: "openai_batch_requests", limit: openAIBatchRequests, found: facts.requests,
                    firstLine: nil,
                    message:
                        "\(facts.requests) requests: over the OpenAI Batch API's \(openAIBatchRequests) per file"
                ))
        }
        if facts.requests > azureBatchRequests {
            found.append(
                LimitCrossing(
                    code: "azure_batch_requests", limit: azureBatchRequests, found: facts.requests,
                    firstLine: nil,
                    message:
                        "\(facts.requests) requests: over Azure OpenAI batch's \(azureBatchRequests) per file"
                ))
        }
        if facts.bytes > batchFileBytes {
            found.append(
                LimitCrossing(
                    code: "batch_file_bytes", limit: batchFileBytes, found: facts.bytes, firstLine: nil,
                    message: "\(facts.bytes) bytes: over the Batch APIs' 200 MB per file"))
        }
        if let (count, line) = facts.overlongEmbeddings {
            found.append(
                LimitCrossing(
                    code: "embedding_inputs", limit: embeddingInputs, found: count, firstLine: line,
                    message:
                        "\(count) embeddings requests with more than \(embeddingInputs) inputs (first: line \(line))"
                ))
        }
        if let (count, line) = facts.overlongUploads {
            found.append(
                LimitCrossing(
                    code: "upload_bytes", limit: uploadBytes, found: count, firstLine: line,
                    message: "\(count) uploads over 25 MiB, the providers' limit (first: line \(line))"))
        }
        if let (count, line) = facts.unbatchable {
            found.append(
                LimitCrossing(
                    code: "batch_api_url", limit: 0, found: count, firstLine: line,
                    message:
                        "\(count) requests whose url the Batch API does not run (first: line \(line)); batchd sends them"
                ))
        }
        return found
    }
}
