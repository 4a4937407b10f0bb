/// Estimates what a request costs against a tokens-per-minute budget, the way Azure charges it on
/// arrival: an estimate of the prompt plus the most the answer may use.
///
///     cost = ceil(prompt bytes / 4) + max_tokens × n
///
/// `prompt bytes` are the bytes of the body's `messages`, `input` and `prompt` values as written
/// (JSON syntax included, so the estimate errs high, never low); the answer's limit is
/// `max_tokens`, `max_completion_tokens` or `max_output_tokens`; `n` defaults to 1. Example: a chat
/// body whose `messages` value is 180 bytes with `"max_tokens": 500` costs 45 + 500 = 545.
/// Requests with no token budget (audio) cost 0.
public enum TokenCost {
    public static func estimate(body: UnsafeRawBufferPointer, path: APIPath) -> Int {
        guard let members = try? JSONScanner.topLevelMembers(body) else { return 0 }
        var promptBytes = 0
        var answerLimit = 0
        var choices = 1
        for member in members {
            let value = UnsafeRawBufferPointer(rebasing: body[member.range])
            switch member.key {
            case "messages", "input", "prompt", "instructions":
                promptBytes += member.range.count
            case "max_tokens", "max_completion_tokens", "max_output_tokens":
                answerLimit = max(answerLimit, JSONScanner.integerValue(value) ?? 0)
            case "n", "best_of":
                choices = max(choices, JSONScanner.integerValue(value) ?? 1)
            default:
                break
            }
        }
        switch path {
        case .audioTranscriptions, .audioTranslations:
            return 0
        case .embeddings, .moderations:
            return max(1, (promptBytes + 3) / 4)
        default:
            return max(1, (promptBytes + 3) / 4) + answerLimit * choices
        }
    }
}
