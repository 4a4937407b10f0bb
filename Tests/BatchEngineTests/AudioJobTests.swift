import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("JobRunner: file-carrying requests and binary answers")
struct AudioJobTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    func transcription(_ id: String, file: String, format: String = "srt") -> String {
        JobFixtures.line(
            customID: id, url: "/v1/audio/transcriptions",
            body: ["model": "whisper-1", "file": file, "response_format": format, "language": "en"])
    }

    @Test("refused files are rejected at ingest; a file gone before sending is a final error line")
    func fileChecks() async throws {
        let dir = fixture.directory
        try FileManager.default.createDirectory(atPath: dir.path("calls"), withIntermediateDirectories: true)
        dir.write("calls/1.wav", bytes: [1, 2, 3])
        dir.write("calls/2.wav", bytes: [4, 5])
        let path = dir.write(
            "calls.jsonl",
            lines: [
                transcription("t1", file: "calls/1.wav"), transcription("t2", file: "calls/2.wav"),
                transcription("missing", file: "calls/none.wav"), transcription("escape", file: "../x.wav"),
            ])
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        let transport = ScriptedTransport { request, index in
            if index == 0 { try? FileManager.default.removeItem(atPath: dir.path("calls/2.wav")) }
            return HTTPAnswer(
                status: 200, headers: ["content-type": "text/plain"],
                body: Array("1\n00:00:00,000 --> 00:00:01,000\nhi\n".utf8))
        }
        _ = try await fixture.runner(job, transport).run()

        #expect(transport.requests.count == 1, "only t1 reached the server")
        let sent = try #require(transport.requests.first)
        #expect(sent.url == RunnerFixture.baseURL + "/audio/transcriptions")
        #expect(sent.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") == true)
        let body = String(decoding: transport.bodies[0], as: UTF8.self)
        #expect(
            body.contains(
                "name=\"file\"; filename=\"1.wav\"\r\nContent-Type: audio/wav\r\n\r\n\u{1}\u{2}\u{3}\r\n"))
        #expect(body.contains("name=\"response_format\"\r\n\r\nsrt\r\n"))

        let files = OutputFiles(input: path)
        let results = RunnerFixture.objects(files.results)
        let response = try #require(results.first?["response"] as? [String: Any])
        #expect(response["body"] as? String == "1\n00:00:00,000 --> 00:00:01,000\nhi\n")
        let errors = RunnerFixture.objects(files.errors)
        func error(_ id: String) -> [String: Any]? {
            errors.first { $0["custom_id"] as? String == id }?["error"] as? [String: Any]
        }
        #expect(error("missing")?["code"] as? String == "invalid_file")
        #expect(
            error("missing")?["message"] as? String
                == #"calls.jsonl line 3: body.file: file "calls/none.wav": no such file"#)
        #expect(error("escape")?["code"] as? String == "invalid_file")
        #expect(error("t2")?["code"] as? String == "file_unavailable")
        #expect(
            (error("t2")?["message"] as? String)?.contains(
                #"calls.jsonl line 2: body.file: file "calls/2.wav""#) == true)
        #expect(errors.count == 3)
    }

    @Test("a speech answer is saved beside the input before its results line is written")
    func speechSaved() async throws {
        let line = JobFixtures.line(
            customID: "say 1", url: "/v1/audio/speech",
            body: ["model": "tts-1", "input": "Hello", "voice": "alloy", "response_format": "wav"])
        let path = fixture.directory.write("speech.jsonl", lines: [line])
        let job = try await fixture.submit(path)
        let bytes: [UInt8] = [0x52, 0x49, 0x46, 0x46, 0xFF, 0x00, 0x80]
        let transport = ScriptedTransport { _, _ in
            HTTPAnswer(status: 200, headers: ["content-type": "audio/wav"], body: bytes)
        }
        _ = try await fixture.runner(job, transport).run()

        let results = RunnerFixture.objects(OutputFiles(input: path).results)
        let response = try #require(results.first?["response"] as? [String: Any])
        let body = try #require(response["body"] as? [String: Any])
        #expect(body["file"] as? String == "speech.outputs/say%201.wav")
        #expect(body["bytes"] as? Int == bytes.count)
        #expect(body["content_type"] as? String == "audio/wav")
        let saved = FileManager.default.contents(atPath: fixture.directory.path("speech.outputs/say%201.wav"))
        #expect(saved == Data(bytes))
    }
}
