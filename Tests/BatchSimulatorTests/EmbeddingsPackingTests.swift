import Foundation
import NIOCore
import Testing

@testable import BatchSimulator

/// What batchd's packing relies on: a vector depends only on its input (alone or packed, on every
/// route), and a bad input refuses its whole request with OpenAI's 400.
@Suite("Embeddings packed and refused")
struct EmbeddingsPackingTests {
    private static let routes = [
        "/v1/embeddings", "/openai/deployments/e/embeddings?api-version=2024-10-21", "/openai/v1/embeddings",
    ]

    private func embeddings(_ reply: Reply) throws -> [Any] {
        #expect(reply.status == 200)
        let data = try #require(reply.json?.objects("data"))
        for (index, item) in data.enumerated() { #expect(item["index"] as? Int == index) }
        return try data.map { try #require($0["embedding"]) }
    }

    @Test(
        "an input packed among others gets the vector it gets alone, on all three routes", arguments: routes)
    func packedEqualsAlone(route: String) async throws {
        try await Harness.run { h in
            let texts = ["first text", "second text", "third"]
            let packed = try embeddings(
                try await h.post(route, ["model": "e", "input": texts, "dimensions": 12]))
            #expect(packed.count == 3)
            for (index, text) in texts.enumerated() {
                let alone = try embeddings(
                    try await h.post(route, ["model": "e", "input": text, "dimensions": 12]))
                #expect(alone[0] as? [Double] == packed[index] as? [Double])
                let base64Alone = try embeddings(
                    try await h.post(
                        route, ["model": "e", "input": [text], "dimensions": 12, "encoding_format": "base64"])
                )
                let base64Packed = try embeddings(
                    try await h.post(
                        route, ["model": "e", "input": texts, "dimensions": 12, "encoding_format": "base64"]))
                #expect(base64Alone[0] as? String == base64Packed[index] as? String)
            }
            let tokensAlone = try embeddings(try await h.post(route, ["model": "e", "input": [5, 6, 7]]))
            let tokensPacked = try embeddings(
                try await h.post(route, ["model": "e", "input": [[1], [5, 6, 7]]]))
            #expect(tokensAlone[0] as? [Double] == tokensPacked[1] as? [Double])
        }
    }

    @Test("an empty input refuses the whole request with OpenAI's 400", arguments: routes)
    func emptyInput(route: String) async throws {
        try await Harness.run { h in
            for input: Any in ["", ["ok", ""], [[1, 2], [Int]()]] {
                let reply = try await h.post(route, ["model": "e", "input": input])
                #expect(reply.status == 400)
                let error = try #require(reply.json?.object("error"))
                #expect(error["type"] as? String == "invalid_request_error")
                #expect(error["code"] is NSNull)
                #expect((error["message"] as? String)?.contains("'$.input' is invalid") == true)
            }
        }
    }

    @Test("an input over --max-input-tokens refuses the request; one at the limit is embedded")
    func overlongInput() async throws {
        try await Harness.run({ $0.maxInputTokens = 10 }) { h in
            let atLimit = String(repeating: "a", count: 40)  // 10 tokens
            let over = String(repeating: "a", count: 44)  // 11 tokens
            #expect(
                try await h.post("/v1/embeddings", ["model": "e", "input": [atLimit, "x"]]).status == 200)
            let reply = try await h.post("/v1/embeddings", ["model": "e", "input": ["x", over, "y"]])
            #expect(reply.status == 400)
            let error = try #require(reply.json?.object("error"))
            #expect(error["type"] as? String == "invalid_request_error")
            #expect((error["message"] as? String)?.contains("maximum context length is 10 tokens") == true)
        }
    }

    @Test("more than 2,048 inputs in one request are refused")
    func tooManyInputs() async throws {
        try await Harness.run { h in
            let inputs = (0..<2049).map { "t\($0)" }
            let reply = try await h.post("/v1/embeddings", ["model": "e", "input": inputs])
            #expect(reply.status == 400)
            #expect(
                try await h.post("/v1/embeddings", ["model": "e", "input": Array(inputs.prefix(2048))]).status
                    == 200)
        }
    }

    @Test("/_sim/stats counts embeddings requests and the inputs they embedded")
    func stats() async throws {
        try await Harness.run { h in
            _ = try await h.post("/v1/embeddings", ["model": "e", "input": ["a", "b", "c"]])
            _ = try await h.post("/openai/v1/embeddings", ["model": "e", "input": "d"])
            _ = try await h.post("/v1/embeddings", ["model": "e", "input": ["", "b"]])  // refused
            _ = try await h.post("/v1/chat/completions", chatBody())
            let stats = try await h.remoteStats()
            #expect(stats.embeddingRequests == 2)
            #expect(stats.embeddingInputs == 4)
            #expect(stats.received == 4)
        }
    }
}
