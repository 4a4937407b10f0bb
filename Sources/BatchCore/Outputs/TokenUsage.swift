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

/// What one pass over an answer's body found: whether it is exactly one JSON value, and the
/// `usage` it reports.
///
/// The pass decodes no key: the `usage` object's members are collected while the body is
/// validated (with duplicate `usage` keys, the last object wins). One scan instead of two matters
/// for embeddings, whose answers run to tens of kilobytes.
public struct BodyScan: Sendable, Equatable {
    public var isJSON: Bool
    public var usage: TokenUsage?

    public init(isJSON: Bool, usage: TokenUsage?) {
        self.isJSON = isJSON
        self.usage = usage
    }

    public init(body: [UInt8]) {
        self = body.withUnsafeBytes { buffer -> BodyScan in
            var fields: [JSONRawMember]? = nil
            do {
                _ = try JSONScanner.rawTopLevelMembers(buffer, expanding: "usage", nested: &fields)
            } catch {
                return BodyScan(isJSON: false, usage: nil)
            }
            guard let fields else { return BodyScan(isJSON: true, usage: nil) }
            func value(_ keys: StaticString...) -> Int {
                for key in keys {
                    if let member = fields.first(where: {
                        $0.kind == .number && $0.keyEquals(key, in: buffer)
                    }),
                        let number = JSONScanner.integerValue(
                            UnsafeRawBufferPointer(rebasing: buffer[member.range]))
                    {
                        return number
                    }
                }
                return 0
            }
            let prompt = value("prompt_tokens", "input_tokens")
            let completion = value("completion_tokens", "output_tokens")
            let total = value("total_tokens")
            return BodyScan(
                isJSON: true,
                usage: TokenUsage(
                    promptTokens: prompt, completionTokens: completion,
                    totalTokens: total > 0 ? total : prompt + completion))
        }
    }
}
