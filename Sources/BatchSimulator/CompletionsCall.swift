import NIOHTTP1

/// Legacy `completions`: n text choices with deterministic text, usage from the estimate.
struct CompletionsCall: PreparedCall {
    let promptTokens: Int
    let seed: UInt64
    let limit: Int?
    let n: Int
    let tokenCost: Int

    init(_ json: [String: Any]) throws(RequestError) {
        guard let prompt = json["prompt"], prompt is String || prompt is [Any] else {
            throw RequestError("'prompt' must be a string or an array.")
        }
        let digest = TextDigest(prompt)
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
                    ("text", .string(TextGenerator.sentence(words: length, seed: choiceSeed))),
                    ("index", .int(index)),
                    ("logprobs", .null),
                    ("finish_reason", truncated ? "length" : "stop"),
                ]))
        }
        return SimResponse(
            status: .ok,
            json: .object([
                ("id", .string("cmpl-" + context.idSuffix)),
                ("object", "text_completion"),
                ("created", .int(context.created)),
                ("model", .string(context.model)),
                ("choices", .array(choices)),
                ("usage", completionUsage(prompt: promptTokens, completion: completionTokens)),
            ]))
    }
}
