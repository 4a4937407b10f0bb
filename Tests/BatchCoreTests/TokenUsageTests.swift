import BatchCore
import Testing

@Suite("TokenUsage")
struct TokenUsageTests {
    private func read(_ body: String) -> TokenUsage? {
        TokenUsage.read(fromBody: Array(body.utf8))
    }

    @Test("chat/completions shape")
    func chatShape() {
        let body =
            #"{"id":"c","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}"#
        #expect(read(body) == TokenUsage(promptTokens: 11, completionTokens: 7, totalTokens: 18))
    }

    @Test("responses shape")
    func responsesShape() {
        let body = #"{"id":"r","output":[],"usage":{"input_tokens":20,"output_tokens":5,"total_tokens":25}}"#
        #expect(read(body) == TokenUsage(promptTokens: 20, completionTokens: 5, totalTokens: 25))
    }

    @Test("embeddings shape has no completion tokens")
    func embeddingsShape() {
        let body = #"{"data":[],"usage":{"prompt_tokens":9,"total_tokens":9}}"#
        #expect(read(body) == TokenUsage(promptTokens: 9, completionTokens: 0, totalTokens: 9))
    }

    @Test("a missing total is the sum of the parts")
    func missingTotal() {
        #expect(read(#"{"usage":{"prompt_tokens":4,"completion_tokens":6}}"#)?.totalTokens == 10)
    }

    @Test(
        "no top-level usage object gives nil",
        arguments: [
            #"{"id":"c","choices":[]}"#, #"{"data":{"usage":{"prompt_tokens":1}}}"#, #"{"usage":12}"#,
            "not json",
            "", "[1,2]",
        ])
    func noUsage(body: String) {
        #expect(read(body) == nil)
    }

    @Test("usages add up")
    func sum() {
        var total = TokenUsage(promptTokens: 1, completionTokens: 2, totalTokens: 3)
        total += TokenUsage(promptTokens: 10, completionTokens: 20, totalTokens: 30)
        #expect(total == TokenUsage(promptTokens: 11, completionTokens: 22, totalTokens: 33))
    }
}
