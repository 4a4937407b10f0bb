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
