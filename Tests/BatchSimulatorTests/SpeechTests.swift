import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import BatchSimulator

@Suite("Simulated audio/speech")
struct SpeechTests {
    /// POSTs `json` and returns status, content type and the raw body bytes.
    func speech(_ h: Harness, _ path: String, _ object: [String: Any]) async throws -> (Int, String?, [UInt8])
    {
        var request = HTTPClientRequest(url: h.base + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
        let response = try await h.client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "content-type"), Array(buffer: body))
    }

    @Test("deterministic binary bytes with the format's content type, in the OpenAI and Azure forms")
    func bytesInBothForms() async throws {
        try await Harness.run { h in
            let body: [String: Any] = ["model": "tts-1", "input": "Hello", "voice": "alloy"]
            let (status, type, bytes) = try await speech(h, "/v1/audio/speech", body)
            #expect(status == 200)
            #expect(type == "audio/mpeg")
            #expect(bytes.count == 4 + 5 * 16)
            #expect(Array(bytes.prefix(3)) == Array("ID3".utf8))
            #expect(bytes.contains { $0 >= 0x80 }, "not plain text")
            let azure = try await speech(
                h, "/openai/deployments/tts/audio/speech?api-version=2025-03-01-preview",
                body.merging(["response_format": "wav"]) { $1 })
            #expect(azure.0 == 200)
            #expect(azure.1 == "audio/wav")
            #expect(Array(azure.2.prefix(4)) == Array("RIFF".utf8))
            let again = try await speech(h, "/v1/audio/speech", body)
            #expect(again.2 == bytes)
        }
    }

    @Test("missing input or an unknown format is a 400")
    func validation() async throws {
        try await Harness.run { h in
            #expect(try await h.post("/v1/audio/speech", ["model": "tts-1", "voice": "alloy"]).status == 400)
            let reply = try await h.post(
                "/v1/audio/speech",
                ["model": "tts-1", "voice": "alloy", "input": "x", "response_format": "ogg"])
            #expect(reply.status == 400)
        }
    }
}
