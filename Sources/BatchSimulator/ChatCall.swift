import NIOHTTP1

/// `chat/completions`: n assistant choices with deterministic text, usage from the estimate.
struct ChatCall: PreparedCall {
    let promptTokens: Int
    let seed: UInt64
    let limit: Int?
    let n: Int
    let tokenCost: Int

    init(_ json: [String: Any]) throws(RequestError) {
        guard let messages = json["messages"] as? [Any], !messages.isEmpty else {
            throw RequestError("'messages' must be a non-empty array.")
        }
        let digest = TextDigest(messages)
        promptTokens = TokenEstimator.tokens(forCharacters: digest.characters)
        seed = digest.hash
        limit = TokenEstimator.maxOutputTokens(json)
        n = TokenEstimator.choiceCount(json)
        tokenCost = TokenEstimator.cost(prompt: promptTokens, body: json)
    }

    func render(_ context: RenderContext) -> SimResponse {
        var completionTokens = 0
        var choices: [JSONValue] = []
        for index in 0..<n {
            let choiceSeed = seed &+ UInt64(index)
            let (length, truncated) = TextGenerator.completionLength(seed: choiceSeed, limit: limit)
            completionTokens += length
            choices.append(
                .object([
                    ("index", .int(index)),
                    (
                        "message",
                        .object([
                            ("role", "assistant"),
                            ("content", .string(TextGenerator.sentence(words: length, seed: choiceSeed))),
                            ("refusal", .null),
                        ])
                    ),
                    ("logprobs", .null),
                    ("finish_reason", truncated ? "length" : "stop"),
                ]))
        }
        return SimResponse(
            status: .ok,
            json: .object([
                ("id", .string("chatcmpl-" + context.idSuffix)),
                ("object", "chat.completion"),
                ("created", .int(context.created)),
                ("model", .string(context.model)),
                ("choices", .array(choices)),
                ("usage", completionUsage(prompt: promptTokens, completion: completionTokens)),
                ("system_fingerprint", "fp_batchd_sim"),
            ]))
    }
}
