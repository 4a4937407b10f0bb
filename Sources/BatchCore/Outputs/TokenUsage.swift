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

    /// The `usage` of a JSON answer body, or `nil` when it has none.
    public static func read(fromBody body: [UInt8]) -> TokenUsage? {
        body.withUnsafeBytes { buffer -> TokenUsage? in
            guard let members = try? JSONScanner.topLevelMembers(buffer),
                let usage = members.last(where: { $0.key == "usage" && $0.kind == .object })
            else { return nil }
            let object = UnsafeRawBufferPointer(rebasing: buffer[usage.range])
            guard let fields = try? JSONScanner.topLevelMembers(object) else { return nil }
            func value(_ keys: String...) -> Int {
                for key in keys {
                    if let member = fields.first(where: { $0.key == key && $0.kind == .number }),
                        let number = JSONScanner.integerValue(
                            UnsafeRawBufferPointer(rebasing: object[member.range]))
                    {
                        return number
                    }
                }
                return 0
            }
            let prompt = value("prompt_tokens", "input_tokens")
            let completion = value("completion_tokens", "output_tokens")
            let total = value("total_tokens")
            return TokenUsage(
                promptTokens: prompt,
                completionTokens: completion,
                totalTokens: total > 0 ? total : prompt + completion
            )
        }
    }
}
