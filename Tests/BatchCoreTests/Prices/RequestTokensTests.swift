import BatchCore
import Testing

@Suite("request tokens")
struct RequestTokensTests {
    static func tokens(_ line: String) throws -> RequestTokens {
        let parser = BatchLineParser(acceptedPaths: APIPath.supported, estimatesTokenCost: false)
        let result = Array(line.utf8).withUnsafeBytes { parser.parseEstimating($0) }
        return try result.get().tokens
    }

    @Test("chat: the prompt's text bytes / 4, and max_tokens × n apart")
    func chat() throws {
        // "user" + 16 bytes of content = 20 bytes: 5 tokens.
        let line =
            #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"0123456789abcdef"}],"max_tokens":100,"n":2}}"#
        #expect(try Self.tokens(line) == RequestTokens(input: 5, maxOutput: 200))
    }

    @Test("no max_tokens: the answer has no known limit")
    func unbounded() throws {
        let line =
            #"{"custom_id":"a","method":"POST","url":"/v1/responses","body":{"model":"m","input":"12345678"}}"#
        #expect(try Self.tokens(line) == RequestTokens(input: 2, maxOutput: nil))
    }

    @Test(
        "embeddings count their inputs",
        arguments: [
            (#""one text""#, 1), (#"["a", "b, c", "d"]"#, 3), (#"[1, 2, 3]"#, 1), (#"[[1, 2], [3]]"#, 2),
            (#"[]"#, 1),
        ])
    func embeddingInputs(input: String, count: Int) throws {
        let line =
            #"{"custom_id":"e","method":"POST","url":"/v1/embeddings","body":{"model":"m","input":"#
            + input + "}}"
        let tokens = try Self.tokens(line)
        #expect(tokens.embeddingInputs == count)
        #expect(tokens.maxOutput == 0)
    }

    @Test("the sum is what rate limits charge (TokenCost)")
    func sameAsTokenCost() throws {
        let line =
            #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"some words here"}],"max_completion_tokens":40}}"#
        let charged = try Array(line.utf8).withUnsafeBytes { BatchLineParser().parse($0) }.get().tokenCost
        let tokens = try Self.tokens(line)
        #expect(tokens.input + (tokens.maxOutput ?? 0) == charged)
    }
}
