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

    @Test(
        "one scan tells whether the body is JSON and what usage it reports",
        arguments: [
            (#"{"usage":{"prompt_tokens":2,"completion_tokens":3}}"#, true, 5),
            (#"{"id":"c"}"#, true, nil), (#""text""#, true, nil), ("[1,2]", true, nil), ("42", true, nil),
            (#"{"usage":{"prompt_tokens":2}"#, false, nil), ("not json", false, nil), ("", false, nil),
        ] as [(String, Bool, Int?)])
    func bodyScan(body: String, isJSON: Bool, total: Int?) {
        let scan = BodyScan(body: Array(body.utf8))
        #expect(scan.isJSON == isJSON)
        #expect(scan.isJSON == ResponseBody.isJSONValue(Array(body.utf8)), "agrees with the validator")
        #expect(scan.usage?.totalTokens == total)
    }

    @Test("an answer carrying a scan is not scanned again; one without is")
    func answerUsesItsScan() {
        let body = Array(#"{"usage":{"prompt_tokens":1,"completion_tokens":1}}"#.utf8)
        var answer = HTTPAnswer(status: 200, headers: [:], body: body)
        #expect(answer.bodyIsJSON && answer.usage?.totalTokens == 2)
        // A scan that disagrees with the body shows it is what the answer reads.
        answer.bodyScan = BodyScan(isJSON: false, usage: TokenUsage(totalTokens: 7))
        #expect(!answer.bodyIsJSON)
        #expect(answer.usage?.totalTokens == 7)
    }
}
