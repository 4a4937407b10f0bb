/// Estimates token counts from request bodies the simple way: characters / 4, at least 1.
///
/// Deterministic and cheap; it is the simulator's only notion of "tokens" for usage and rate limits.
enum TokenEstimator {
    /// `max(1, characters / 4)` for a total character count.
    static func tokens(forCharacters count: Int) -> Int {
        max(1, count / 4)
    }

    /// The prompt estimate of a JSON fragment: `max(1, characters / 4)` (see ``TextDigest``).
    static func promptTokens(in value: Any?) -> Int {
        tokens(forCharacters: TextDigest(value).characters)
    }

    /// The output allowance the request asks for: `max_tokens`, else `max_completion_tokens`,
    /// else `max_output_tokens`, else `nil`.
    static func maxOutputTokens(_ body: [String: Any]) -> Int? {
        for key in ["max_tokens", "max_completion_tokens", "max_output_tokens"] {
            if let value = body[key] as? Int { return value }
        }
        return nil
    }

    /// The number of choices requested (`n`, at least 1).
    static func choiceCount(_ body: [String: Any]) -> Int {
        max(1, body["n"] as? Int ?? 1)
    }

    /// The rate-limit cost of a generation request: prompt + max output × n.
    static func cost(prompt: Int, body: [String: Any]) -> Int {
        prompt + (maxOutputTokens(body) ?? 0) * choiceCount(body)
    }
}
