import Testing

@testable import BatchCore

@Suite("Embeddings: answers split back, inputs inspected")
struct EmbeddingAnswerSplitTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("each line gets its embeddings' bytes, indexes from 0, the model, and its share of the usage")
    func split() throws {
        let answer = """
            {"object":"list","model":"m-1","data":[
              {"object":"embedding","index":0,"embedding":[1.50E-1, -2]},
              {"object":"embedding","index":1,"embedding":"AAAA"},
              {"index":2,"object":"embedding","embedding":[3e0]}],
             "usage":{"prompt_tokens":10,"total_tokens":10}}
            """
        let lines = try EmbeddingAnswerSplit.split(bytes(answer), inputs: [1, 2], estimates: [1, 3]).get()
        #expect(lines.count == 2)
        #expect(
            text(lines[0].body)
                == #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1.50E-1, -2]}],"model":"m-1","usage":{"prompt_tokens":3,"total_tokens":3}}"#
        )
        #expect(
            text(lines[1].body)
                == #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AAAA"},{"object":"embedding","index":1,"embedding":[3e0]}],"model":"m-1","usage":{"prompt_tokens":7,"total_tokens":7}}"#
        )
        #expect(lines.map(\.usage.promptTokens).reduce(0, +) == 10)
    }

    @Test("framed, each line is the output line OutputLine writes for its body, line breaks made spaces")
    func framed() throws {
        let answer = """
            {"object":"list","model":"m-1","data":[
              {"object":"embedding","index":0,"embedding":[
                1.5, -2]},
              {"object":"embedding","index":1,"embedding":"AAAA"}],
             "usage":{"prompt_tokens":4,"total_tokens":4}}
            """
        let prefixes = ["a", "b"].map {
            OutputLine.answerPrefix(id: "id-\($0)", customID: $0, status: 200, requestID: "req-1")
        }
        let framing = EmbeddingAnswerSplit.Framing(prefixes: prefixes, suffix: OutputLine.answerSuffix)
        let plain = try EmbeddingAnswerSplit.split(bytes(answer), inputs: [1, 1], estimates: [1, 1]).get()
        let framed = try EmbeddingAnswerSplit.split(
            bytes(answer), inputs: [1, 1], estimates: [1, 1], framing: framing
        ).get()
        for (index, customID) in ["a", "b"].enumerated() {
            let alone = OutputLine.answer(
                id: "id-\(customID)", customID: customID,
                answer: HTTPAnswer(status: 200, headers: ["x-request-id": "req-1"], body: plain[index].body),
                bodyIsJSON: true)
            #expect(text(framed[index].body) == text(alone))
            #expect(framed[index].usage == plain[index].usage)
            #expect(framed[index].body.filter { $0 == 0x0A } == [0x0A])
        }
        #expect(text(framed[0].body).contains("1.5, -2]}],"))
    }

    @Test("data given out of order is mapped by index")
    func outOfOrder() throws {
        let answer = #"{"data":[{"index":1,"embedding":[2]},{"index":0,"embedding":[1]}],"model":"m"}"#
        let lines = try EmbeddingAnswerSplit.split(bytes(answer), inputs: [1, 1], estimates: [1, 1]).get()
        #expect(text(lines[0].body).contains(#""embedding":[1]"#))
        #expect(text(lines[1].body).contains(#""embedding":[2]"#))
    }

    @Test(
        "a count or an index that does not match the inputs sent, or a body that is not JSON, is malformed",
        arguments: [
            #"{"data":[{"index":0,"embedding":[1]}],"model":"m"}"#,
            #"{"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}],"model":"m"}"#,
            #"{"data":[{"index":0,"embedding":[1]},{"index":2,"embedding":[2]}],"model":"m"}"#,
            #"{"data":[{"index":0,"embedding":[1]},{"index":1}],"model":"m"}"#,
            #"{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[2]},{"index":2,"embedding":[3]}]}"#,
            #"{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[2"#,
        ])
    func malformed(answer: String) {
        let result = EmbeddingAnswerSplit.split(bytes(answer), inputs: [1, 1], estimates: [1, 1])
        #expect(throws: EmbeddingAnswerSplit.Failure.self) { try result.get() }
    }

    @Test(
        "usage shares are whole and sum to the total",
        arguments: [(100, [1, 1, 1]), (7, [0, 0]), (10, [3, 1]), (0, [5])])
    func shares(total: Int, weights: [Int]) {
        let shares = UsageShares.split(total, by: weights)
        #expect(shares.reduce(0, +) == total)
        #expect(shares.allSatisfy { $0 >= 0 })
        if total == 100 { #expect(shares == [34, 33, 33]) }
        if total == 10 { #expect(shares == [8, 2]) }
    }

    @Test("inputs of every documented shape; bodies equal apart from input share a pack key")
    func inspect() throws {
        func shape(_ body: String) throws -> EmbeddingInput {
            try EmbeddingInput.inspect(body: bytes(body)).get()
        }
        let one = try shape(#"{"model":"m","input":"a b","dimensions":8}"#)
        #expect(one.elements.count == 1)
        let strings = try shape(#"{"model":"m","input":["x", "yy"],"dimensions":8}"#)
        #expect(
            strings.elements.map {
                text(Array(bytes(#"{"model":"m","input":["x", "yy"],"dimensions":8}"#)[$0]))
            } == [#""x""#, #""yy""#])
        #expect(one.packKey == strings.packKey)
        #expect(try shape(#"{"model":"m","input":[1,2,3],"dimensions":8}"#).elements.count == 1)
        #expect(try shape(#"{"model":"m","input":[[1,2],[3]],"dimensions":8}"#).elements.count == 2)
        #expect(try shape(#"{"model":"m","input":"a","dimensions":9}"#).packKey != one.packKey)

        for (body, reason) in [
            (#"{"model":"m","input":""}"#, "body.input is an empty string"),
            (#"{"model":"m","input":[]}"#, "body.input is an empty array"),
            (#"{"model":"m","input":["a",""]}"#, "body.input[1] is an empty string"),
            (#"{"model":"m","input":[[1],[]]}"#, "body.input[1] must be a non-empty array of token ids"),
            (
                #"{"model":"m","input":["a",1]}"#,
                "body.input must hold only strings, only token ids, or only arrays of token ids"
            ),
            (#"{"model":"m","input":{"a":1}}"#, "body.input must be a string or an array, found object"),
            (#"{"model":"m"}"#, "body.input is missing"),
        ] {
            #expect(throws: LineRejection(code: "invalid_input", reason: reason)) { try shape(body) }
        }
    }

    @Test("a pack's body is the first body with input replaced by every line's inputs")
    func packBody() {
        let template = bytes(#"{"model":"m","input":"a","user":"u"}"#)
        let range = 21..<24
        #expect(text(Array(template[range])) == #""a""#)
        let body = EmbeddingPackBody.build(
            template: template, inputRange: range,
            elements: [template[range], bytes(#""b""#)[...], bytes("[1,2]")[...]])
        #expect(text(body) == #"{"model":"m","input":["a","b",[1,2]],"user":"u"}"#)
    }
}

@Suite("Output lines: line breaks found eight bytes at a time")
struct LineBreaksTests {
    @Test("a CR or LF anywhere is found; other bytes, 0x8A and 0x8D included, are not")
    func present() {
        for length in 0..<20 {
            let plain = (0..<length).map { UInt8(0x20 + $0 % 60) }
            #expect(!LineBreaks.present(in: plain))
            #expect(
                !LineBreaks.present(in: plain.map { _ in 0x8A })
                    && !LineBreaks.present(in: [0x8D, 0x0B, 0x0C]))
            for position in 0..<length {
                for breakByte: UInt8 in [0x0A, 0x0D] {
                    var bytes = plain
                    bytes[position] = breakByte
                    #expect(LineBreaks.present(in: bytes), "length \(length), at \(position)")
                }
            }
        }
    }
}
