import Foundation

/// Builders of Batch API input lines (valid JSON, made with `JSONSerialization`).
public enum JobFixtures {
    /// A `/v1/chat/completions` line with one user message.
    public static func chatLine(
        customID: String, model: String = "gpt-4o-mini", content: String = "Hello", maxTokens: Int? = nil
    ) -> String {
        var body: [String: Any] = ["model": model, "messages": [["role": "user", "content": content]]]
        if let maxTokens { body["max_tokens"] = maxTokens }
        return line(customID: customID, url: "/v1/chat/completions", body: body)
    }

    /// A `/v1/embeddings` line.
    public static func embeddingLine(
        customID: String, model: String = "text-embedding-3-small", input: String = "Hello"
    ) -> String {
        line(customID: customID, url: "/v1/embeddings", body: ["model": model, "input": input])
    }

    /// A `/v1/responses` line.
    public static func responsesLine(customID: String, model: String = "gpt-4o-mini", input: String = "Hello")
        -> String
    {
        line(customID: customID, url: "/v1/responses", body: ["model": model, "input": input])
    }

    /// Any line: `custom_id`, `method` POST, `url` and `body`.
    public static func line(customID: String, url: String, body: [String: Any]) -> String {
        let object: [String: Any] = ["custom_id": customID, "method": "POST", "url": url, "body": body]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses one JSON object line (for assertions on output files).
    public static func object(_ line: some StringProtocol) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    /// The lines of the file at `path` (without their `\n`; a last line without one is kept),
    /// empty when it does not exist.
    public static func lines(ofFile path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var lines = String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.map(String.init)
    }
}
