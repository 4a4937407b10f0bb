/// The way a job's lines reach the provider (job setting `via`, `--via`).
public enum Via: String, Codable, Sendable, Equatable, CaseIterable {
    /// One HTTP request per line, as answers come (the default).
    case live
    /// Every line through the provider's Batch API, at the batch price; lines the Batch API does
    /// not take (audio; embeddings on Azure; a url it does not list) still run live.
    case batch
    /// The Batch API for what it takes, live for the rest: the same as ``batch`` today, named
    /// apart so that a later policy (e.g. small jobs live) can change `auto` only.
    case auto
}

/// Where the lines a remote batch left unanswered (it expired, was cancelled, or failed without an
/// error for them) are sent again (job setting `batch_fallback`, `--fallback`).
public enum BatchFallback: String, Codable, Sendable, Equatable, CaseIterable {
    /// In a new remote batch (the default), at most ``BatchAPILimits/resendRounds`` times; what
    /// is still unanswered after that goes live.
    case batch
    /// Live, by the same run, once the batches ended.
    case live
}

/// The Batch API figures the offload settings default to, beside ``ProviderLimits``' per-file caps.
public enum BatchAPILimits {
    /// Embedding inputs per batch (OpenAI).
    public static let embeddingInputs = 50_000
    /// Seconds between polls of one batch, by default (Azure asks for no more than once a minute).
    public static let pollSeconds = 60.0
    /// How many times a run sends unanswered lines again in new batches before sending them live.
    public static let resendRounds = 3
}
