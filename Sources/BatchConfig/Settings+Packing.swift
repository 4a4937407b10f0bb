import BatchCore

extension Settings {
    /// Embedding inputs per request when nothing sets `embedding_inputs_per_request` (see the
    /// README's "Packing embeddings" for why this value).
    public static let defaultEmbeddingInputsPerRequest = 512
    /// The providers' cap on inputs per embeddings request.
    public static let maximumEmbeddingInputsPerRequest = 2048

    /// How many embedding inputs one request of a lane may carry (1: each line is sent alone), by
    /// the same precedence as every other setting (``resolved(job:endpoint:model:)``).
    public func embeddingInputsPerRequest(job: JobSettings, endpoint: String, model: String) -> Int {
        let value =
            resolved(job: job, endpoint: endpoint, model: model).embeddingInputsPerRequest
            ?? Self.defaultEmbeddingInputsPerRequest
        return min(Self.maximumEmbeddingInputsPerRequest, max(1, value))
    }
}
