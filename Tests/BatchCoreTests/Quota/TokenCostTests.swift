import BatchCore
import Testing

@Suite("TokenCost")
struct TokenCostTests {
    private func cost(_ json: String, _ path: APIPath = .chatCompletions) -> Int {
        Array(json.utf8).withUnsafeBytes { TokenCost.estimate(body: $0, path: path) }
    }

    @Test("chat: the messages' bytes / 4, rounded up, plus max_tokens")
    func chat() {
        let messages = #"[{"role":"user","content":"Hello there, how are you?"}]"#
        let prompt = (messages.utf8.count + 3) / 4
        #expect(cost(#"{"model":"m","messages":\#(messages),"max_tokens":500}"#) == prompt + 500)
        #expect(cost(#"{"model":"m","messages":\#(messages),"max_completion_tokens":40}"#) == prompt + 40)
    }

    @Test("n multiplies the answer's limit")
    func choices() {
        let body = #"{"model":"m","prompt":"abcd","max_tokens":10,"n":3}"#
        #expect(cost(body, .completions) == (#""abcd""#.utf8.count + 3) / 4 + 30)
    }

    @Test("responses use input and max_output_tokens")
    func responses() {
        let body = #"{"model":"m","input":"12345678","max_output_tokens":7}"#
        #expect(cost(body, .responses) == (#""12345678""#.utf8.count + 3) / 4 + 7)
    }

    @Test("embeddings cost their input only; audio costs nothing")
    func embeddingsAndAudio() {
        let body = #"{"model":"m","input":["aaaa","bbbb"],"max_tokens":99}"#
        #expect(cost(body, .embeddings) == (#"["aaaa","bbbb"]"#.utf8.count + 3) / 4)
        #expect(cost(#"{"model":"whisper","file":"a.wav"}"#, .audioTranscriptions) == 0)
    }

    @Test("a body with no prompt still costs at least one token")
    func minimum() {
        #expect(cost(#"{"model":"m"}"#) == 1)
    }
}
