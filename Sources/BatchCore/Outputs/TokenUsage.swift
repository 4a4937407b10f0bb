/// Tokens one answer reports in its `usage` object, summed per model in the job report.
///
/// Reads both shapes: chat/completions/embeddings (`prompt_tokens`, `completion_tokens`,
/// `total_tokens`) and responses (`input_tokens`, `output_tokens`, `total_tokens`).
public struct TokenUsage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0, totalTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }

    public static func += (lhs: inout TokenUsage, rhs: TokenUsage) {
        lhs.promptTokens += rhs.promptTokens
        lhs.completionTokens += rhs.completionTokens
        lhs.totalTokens += rhs.totalTokens
    }

    /// The `usage` of a JSON answer body, or `nil` when it has none (or is not JSON).
    public static func read(fromBody body: [UInt8]) -> TokenUsage? {
        BodyScan(body: body).usage
    }
}
