extension APIPath {
    /// The operations the hosted Batch APIs run (openai-python `batch_create_params.py`); audio is
    /// not among them (batchd sends it anyway, from local files).
    public static let batchAPI: Set<APIPath> = [
        .chatCompletions, .responses, .completions, .embeddings, .moderations, .imagesGenerations,
        .imagesEdits,
    ]
}
