import NIOHTTP1

/// `moderations`: one unflagged result per input with small deterministic scores.
struct ModerationsCall: PreparedCall {
    static let categories = [
        "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
        "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence",
        "violence/graphic",
    ]

    private let seeds: [UInt64]
    let tokenCost: Int

    init(_ json: [String: Any]) throws(RequestError) {
        guard let input = json["input"] else { throw RequestError("'input' is required.") }
        if input is String {
            seeds = [TextDigest(input).hash]
        } else if let array = input as? [Any], !array.isEmpty {
            // An array of strings moderates each; an array of content parts is one multimodal input.
            seeds =
                array.allSatisfy({ $0 is String })
                ? array.map { TextDigest($0).hash } : [TextDigest(array).hash]
        } else {
            throw RequestError("'input' must be a string or a non-empty array.")
        }
        tokenCost = TokenEstimator.promptTokens(in: input)
    }

    func render(_ context: RenderContext) -> SimResponse {
        let results: [JSONValue] = seeds.map { seed in
            var state = seed
            let scores: [(String, JSONValue)] = Self.categories.map {
                ($0, .double((TextGenerator.unit(&state) * 1e-4 * 1e6).rounded() / 1e6))
            }
            return .object([
                ("flagged", false),
                ("categories", .object(Self.categories.map { ($0, .bool(false)) })),
                ("category_scores", .object(scores)),
            ])
        }
        return SimResponse(
            status: .ok,
            json: .object([
                ("id", .string("modr-" + context.idSuffix)),
                ("model", .string(context.model)),
                ("results", .array(results)),
            ]))
    }
}
