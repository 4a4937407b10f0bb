import Foundation
import NIOCore
import Testing

@testable import BatchSimulator

@Suite("Embeddings")
struct EmbeddingsTests {
    private func vectors(_ reply: Reply) throws -> [[Double]] {
        let data = try #require(reply.json?.objects("data"))
        return try data.enumerated().map { index, item in
            #expect(item["index"] as? Int == index)
            return try #require(item["embedding"] as? [Double])
        }
    }

    @Test("the same input gives the same unit vector; different inputs differ")
    func deterministic() async throws {
        try await Harness.run { h in
            let first = try vectors(try await h.post("/v1/embeddings", ["model": "e", "input": "same text"]))
            let second = try vectors(
                try await h.post("/v1/embeddings", ["model": "e", "input": "same text"]))
            let other = try vectors(
                try await h.post("/v1/embeddings", ["model": "e", "input": "other text"]))
            #expect(first == second)
            #expect(first != other)
            let norm = first[0].reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-4)
            #expect(first[0].allSatisfy { (-1...1).contains($0) })
        }
    }

    @Test("dimensions is honoured, and the configured default otherwise")
    func dimensions() async throws {
        try await Harness.run({ $0.embeddingDimensions = 5 }) { h in
            let explicit = try vectors(
                try await h.post("/v1/embeddings", ["model": "e", "input": "x", "dimensions": 17]))
            #expect(explicit[0].count == 17)
            let fallback = try vectors(try await h.post("/v1/embeddings", ["model": "e", "input": "x"]))
            #expect(fallback[0].count == 5)
            let bad = try await h.post("/v1/embeddings", ["model": "e", "input": "x", "dimensions": 0])
            #expect(bad.status == 400)
        }
    }

    @Test("array inputs give one item each: strings, token ids, token-id arrays")
    func arrays() async throws {
        try await Harness.run { h in
            let strings = try vectors(
                try await h.post("/v1/embeddings", ["model": "e", "input": ["a", "b", "c"]]))
            #expect(strings.count == 3)
            let single = try vectors(try await h.post("/v1/embeddings", ["model": "e", "input": "b"]))
            #expect(strings[1] == single[0])

            let tokens = try await h.post("/v1/embeddings", ["model": "e", "input": [1, 2, 3, 4, 5]])
            #expect(try vectors(tokens).count == 1)
            #expect(tokens.json?.object("usage")?["prompt_tokens"] as? Int == 5)

            let lists = try await h.post("/v1/embeddings", ["model": "e", "input": [[1, 2], [3, 4, 5]]])
            #expect(try vectors(lists).count == 2)
            #expect(lists.json?.object("usage")?["prompt_tokens"] as? Int == 5)

            let empty = try await h.post("/v1/embeddings", ["model": "e", "input": [String]()])
            #expect(empty.status == 400)
        }
    }

    @Test("base64 encoding is little-endian float32 of the same vector")
    func base64() async throws {
        try await Harness.run { h in
            let floats = try vectors(
                try await h.post("/v1/embeddings", ["model": "e", "input": "b64", "dimensions": 6]))
            let reply = try await h.post(
                "/v1/embeddings",
                ["model": "e", "input": "b64", "dimensions": 6, "encoding_format": "base64"])
            let encoded = try #require(reply.json?.objects("data")?.first?["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: encoded))
            #expect(bytes.count == 24)
            let decoded = stride(from: 0, to: bytes.count, by: 4).map { offset in
                let bits = bytes[offset..<offset + 4].enumerated().reduce(UInt32(0)) {
                    $0 | UInt32($1.element) << (8 * UInt32($1.offset))
                }
                return Double(Float(bitPattern: bits))
            }
            for (a, b) in zip(decoded, floats[0]) { #expect(abs(a - b) < 1e-6) }
        }
    }
}
