import Foundation
import NIOCore
import Testing

@testable import BatchSimulator

@Suite("Audio transcriptions and translations")
struct AudioTests {
    /// A multipart body with a binary `file` of `size` bytes and the given text fields.
    func multipart(fileSize: Int?, fields: [(String, String)]) -> (ByteBuffer, String) {
        let boundary = "sim-boundary-42"
        var buffer = ByteBuffer()
        if let fileSize {
            buffer.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                    + "Content-Type: audio/wav\r\n\r\n")
            buffer.writeBytes((0..<fileSize).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            buffer.writeString("\r\n")
        }
        for (name, value) in fields {
            buffer.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        return (buffer, "multipart/form-data; boundary=\(boundary)")
    }

    func send(_ h: Harness, _ path: String, fileSize: Int?, fields: [(String, String)]) async throws -> Reply
    {
        let (body, contentType) = multipart(fileSize: fileSize, fields: fields)
        return try await h.send(path, body: body, headers: [("content-type", contentType)])
    }

    @Test("verbose_json with word timestamps")
    func verboseJSON() async throws {
        try await Harness.run { h in
            let reply = try await send(
                h, "/v1/audio/transcriptions", fileSize: 64_000,
                fields: [
                    ("model", "whisper-1"), ("response_format", "verbose_json"), ("language", "de"),
                    ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment"),
                ])
            #expect(reply.status == 200)
            let json = try #require(reply.json)
            #expect(json["task"] as? String == "transcribe")
            #expect(json["language"] as? String == "de")
            #expect(json["duration"] as? Double == 2.0)
            let text = try #require(json["text"] as? String)
            #expect(text.contains("64000"))
            #expect(json.objects("segments")?.count == 1)
            let words = try #require(json.objects("words"))
            #expect(words.count == text.split(separator: " ").count)
            #expect(words.last?["end"] as? Double == 2.0)
        }
    }

    @Test("json by default; words only when requested")
    func defaultJSON() async throws {
        try await Harness.run { h in
            let reply = try await send(
                h, "/openai/v1/audio/transcriptions", fileSize: 10, fields: [("model", "w")])
            #expect(
                reply.json?["text"] as? String == "This is a simulated transcription of a 10-byte audio file."
            )
            let verbose = try await send(
                h, "/v1/audio/translations", fileSize: 10,
                fields: [("model", "w"), ("response_format", "verbose_json")])
            #expect(verbose.json?["task"] as? String == "translate")
            #expect(verbose.json?["words"] == nil)
        }
    }

    @Test("text, srt and vtt are plain-text bodies")
    func textFormats() async throws {
        try await Harness.run { h in
            let path = "/openai/deployments/whisper/audio/translations?api-version=2024-06-01"
            let text = try await send(h, path, fileSize: 100, fields: [("response_format", "text")])
            #expect(text.status == 200)
            #expect(text.header("content-type")?.hasPrefix("text/plain") == true)
            #expect(text.text == "This is a simulated translation of a 100-byte audio file.\n")
            let srt = try await send(h, path, fileSize: 100, fields: [("response_format", "srt")])
            #expect(srt.text.hasPrefix("1\n00:00:00,000 --> 00:00:00,500\nThis is"))
            let vtt = try await send(h, path, fileSize: 100, fields: [("response_format", "vtt")])
            #expect(vtt.text.hasPrefix("WEBVTT\n\n00:00:00.000 --> 00:00:00.500\n"))
        }
    }

    @Test("a missing file or model is a 400")
    func missingFile() async throws {
        try await Harness.run { h in
            let noFile = try await send(
                h, "/v1/audio/transcriptions", fileSize: nil, fields: [("model", "w")])
            #expect(noFile.status == 400)
            #expect(noFile.json?.object("error")?["code"] as? String == "invalid_request")
            let noModel = try await send(h, "/v1/audio/transcriptions", fileSize: 5, fields: [])
            #expect(noModel.status == 400)
            let notMultipart = try await h.post("/v1/audio/transcriptions", ["model": "w"])
            #expect(notMultipart.status == 400)
        }
    }

    @Test("audio costs no tokens, only requests")
    func audioIgnoresTPM() async throws {
        try await Harness.run({ $0.tpm = 60 }) { h in
            let reply = try await send(
                h, "/v1/audio/transcriptions", fileSize: 5_000, fields: [("model", "w")])
            #expect(reply.status == 200)
            #expect(reply.header("x-ratelimit-remaining-tokens") == "1")
        }
    }
}
