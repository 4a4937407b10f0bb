import BatchCore
import Testing

@Suite("TokenCost")
struct TokenCostTests {
    private func cost(_ json: String, _ path: APIPath = .chatCompletions) -> Int {
        Array(json.utf8).withUnsafeBytes { TokenCost.estimate(body: $0, path: path) }
    }

    @Test("chat: the messages' text bytes / 4, rounded up, plus max_tokens")
    func chat() {
        let messages = #"[{"role":"user","content":"Hello there, how are you?"}]"#
        let prompt = ("user".utf8.count + "Hello there, how are you?".utf8.count + 3) / 4
        #expect(cost(#"{"model":"m","messages":\#(messages),"max_tokens":500}"#) == prompt + 500)
        #expect(cost(#"{"model":"m","messages":\#(messages),"max_completion_tokens":40}"#) == prompt + 40)
    }

    @Test("n multiplies the answer's limit")
    func choices() {
        let body = #"{"model":"m","prompt":"abcd","max_tokens":10,"n":3}"#
        #expect(cost(body, .completions) == 1 + 30)
    }

    @Test("responses use input and max_output_tokens")
    func responses() {
        let body = #"{"model":"m","input":"12345678","max_output_tokens":7}"#
        #expect(cost(body, .responses) == 2 + 7)
    }

    @Test("embeddings cost their input only; audio costs nothing")
    func embeddingsAndAudio() {
        let body = #"{"model":"m","input":["aaaa","bbbb"],"max_tokens":99}"#
        #expect(cost(body, .embeddings) == 2)
        #expect(cost(#"{"model":"m","input":[[1734,2079,12],[5]]}"#, .embeddings) == 4, "one per token id")
        #expect(cost(#"{"model":"whisper","file":"a.wav"}"#, .audioTranscriptions) == 0)
    }

    @Test("keys, syntax and white space are not counted; escapes count as written")
    func onlyText() {
        let spaced = #"{"messages" : [ { "role" : "user" , "content" : "abcdefgh" } ] }"#
        #expect(cost(spaced) == 3, "ceil(12 / 4)")
        #expect(cost(#"{"prompt":"a\"bc"}"#, .completions) == 2, "5 bytes as written")
    }

    @Test("a body with no prompt still costs at least one token")
    func minimum() {
        #expect(cost(#"{"model":"m"}"#) == 1)
    }

    @Test("escaped quotes and backslashes stay inside their string; escapes count as written")
    func escapes() {
        // `ab\"cd\\` is 8 bytes as written, "1234" 4 more: 12 bytes, 3 tokens.
        #expect(cost(#"{"model":"m","messages":[{"content":"ab\"cd\\","x":"1234"}]}"#) == 3)
        // An unterminated string counts to the end instead of running past it.
        #expect(cost(#"{"model":"m","prompt":"abcdefgh"#, .completions) == 0, "not JSON: no estimate")
    }

    @Test("absurd limits saturate at the maximum instead of overflowing")
    func saturates() {
        #expect(
            cost(#"{"model":"m","prompt":"a","max_tokens":4611686018427387904,"n":4}"#, .completions)
                == TokenCost.maximum)
        #expect(cost(#"{"model":"m","prompt":"a","max_tokens":9000000}"#, .completions) == TokenCost.maximum)
        #expect(cost(#"{"model":"m","prompt":"a","max_tokens":100,"n":2}"#, .completions) == 201)
    }

    @Test(
        "the line parser's estimate is the body's, from the members it already scanned",
        arguments: [
            (
                "/v1/chat/completions",
                #"{"model":"m","messages":[{"role":"user","content":"Hi \"you\""}],"max_tokens":9,"n":2}"#
            ),
            (
                "/v1/responses",
                #"{"model":"m","input":[{"role":"user","content":"abc"}],"max_output_tokens":7}"#
            ),
            ("/v1/embeddings", #"{"model":"m","input":[[1734,2079],[12]]}"#),
            ("/v1/completions", #"{"model":"m","prompt":"a","prompt":"bcdefgh","max_tokens":1}"#),
            ("/v1/chat/completions", #"{"model":"m"}"#),
        ])
    func parserAgrees(url: String, body: String) throws {
        let line = #"{"custom_id":"c","method":"POST","url":"\#(url)","body":\#(body)}"#
        let parsed = try BatchLineParser(acceptedPaths: APIPath.supported).parse(Array(line.utf8)).get()
        #expect(parsed.tokenCost == cost(body, parsed.path))
        #expect(parsed.tokenCost > 0)
    }
}
