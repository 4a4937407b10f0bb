import BatchSimulator
import Foundation
import Testing

/// Issue 5 end to end: `batchctl run` on a job of transcriptions, translations, speech and
/// images against the simulator, in the OpenAI and the Azure deployment URL forms.
@Suite("transcriptions, speech and images end to end")
struct TranscriptionTests {
    enum Form: String, CaseIterable, Sendable {
        case openAI, azure
    }

    /// A 16-bit mono PCM WAV of `seconds` of a sine tone at `frequency` Hz (8 kHz sampling).
    static func wav(frequency: Double, seconds: Double) -> [UInt8] {
        let count = Int(8000 * seconds)
        var samples: [UInt8] = []
        for index in 0..<count {
            let value = Int16(8000 * sin(2 * Double.pi * frequency * Double(index) / 8000))
            samples += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
        }
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let format: [UInt8] = [16, 0, 0, 0, 1, 0, 1, 0] + le32(8000) + le32(16000) + [2, 0, 16, 0]
        return Array("RIFF".utf8) + le32(36 + samples.count) + Array("WAVEfmt ".utf8) + format
            + Array("data".utf8) + le32(samples.count) + samples
    }

    static func line(_ id: String, _ path: String, _ body: [String: Any]) throws -> String {
        let object: [String: Any] = ["custom_id": id, "method": "POST", "url": path, "body": body]
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
    }

    @Test(arguments: Form.allCases)
    func everyOutput(form: Form) async throws {
        let sim = try await SimulatorHarness.start { $0.apiKey = "key" }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        try FileManager.default.createDirectory(
            atPath: folder.path + "/calls", withIntermediateDirectories: true)
        let audio = (1...3).map { Self.wav(frequency: 300 + 100 * Double($0), seconds: Double($0) / 2) }
        for (index, bytes) in audio.enumerated() {
            _ = FileManager.default.createFile(
                atPath: folder.path + "/calls/\(index + 1).wav", contents: Data(bytes))
        }
        _ = FileManager.default.createFile(
            atPath: folder.path + "/photo.png", contents: Data([0x89, 0x50, 0x4E, 0x47]))
        let prefix = form == .azure ? "/" : "/v1/"
        let whisper: [String: Any] = ["model": "whisper-1", "file": "calls/1.wav"]
        let lines = [
            try Self.line("json", prefix + "audio/transcriptions", whisper),
            try Self.line(
                "verbose", prefix + "audio/transcriptions",
                whisper.merging([
                    "file": "calls/2.wav", "response_format": "verbose_json",
                    "timestamp_granularities": ["word", "segment"], "language": "en",
                ]) { $1 }),
            try Self.line(
                "text", prefix + "audio/transcriptions", whisper.merging(["response_format": "text"]) { $1 }),
            try Self.line(
                "srt", prefix + "audio/transcriptions",
                whisper.merging(["file": "calls/3.wav", "response_format": "srt"]) { $1 }),
            try Self.line(
                "vtt", prefix + "audio/transcriptions", whisper.merging(["response_format": "vtt"]) { $1 }),
            try Self.line("translated", prefix + "audio/translations", whisper),
            try Self.line(
                "speech", prefix + "audio/speech", ["model": "tts-1", "input": "Hi there", "voice": "alloy"]),
            try Self.line(
                "image", prefix + "images/generations", ["model": "gpt-image-1", "prompt": "a cat"]),
            try Self.line(
                "edit", prefix + "images/edits",
                ["model": "gpt-image-1", "prompt": "hat", "image": "photo.png"]),
            try Self.line(
                "missing", prefix + "audio/transcriptions", whisper.merging(["file": "calls/9.wav"]) { $1 }),
            try Self.line(
                "outside", prefix + "audio/transcriptions", whisper.merging(["file": "../1.wav"]) { $1 }),
        ]
        let input = folder.path + "/calls.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let environment =
            form == .azure ? sim.azureEnvironment(key: "key") : sim.openAIEnvironment(key: "key")

        let run = try await folder.batchctl(["run", input], environment: environment)

        #expect(run.status == 1, "only the two bad lines fail: \(run.stderr)")
        let outputs = try JobOutputs(input: input)
        #expect(outputs.unparsable.isEmpty)
        #expect(
            Set(outputs.results.keys) == [
                "json", "verbose", "text", "srt", "vtt", "translated", "speech", "image", "edit",
            ])
        func body(_ id: String) -> Any? {
            (outputs.results[id]?["response"] as? [String: Any])?["body"]
        }
        #expect(
            (body("json") as? [String: Any])?["text"] as? String
                == "This is a simulated transcription of a \(audio[0].count)-byte audio file.")
        let verbose = try #require(body("verbose") as? [String: Any])
        #expect((verbose["words"] as? [Any])?.isEmpty == false)
        #expect((verbose["segments"] as? [Any])?.count == 1)
        #expect(verbose["language"] as? String == "en")
        #expect((body("text") as? String)?.hasSuffix("\(audio[0].count)-byte audio file.\n") == true)
        #expect((body("srt") as? String)?.hasPrefix("1\n00:00:00,000 --> ") == true)
        #expect((body("srt") as? String)?.contains("\(audio[2].count)-byte") == true)
        #expect((body("vtt") as? String)?.hasPrefix("WEBVTT\n\n00:00:00.000 --> ") == true)
        #expect(((body("translated") as? [String: Any])?["text"] as? String)?.contains("translation") == true)

        let speech = try #require(body("speech") as? [String: Any])
        #expect(speech["file"] as? String == "calls.outputs/speech.mp3")
        #expect(speech["content_type"] as? String == "audio/mpeg")
        let saved = try #require(
            FileManager.default.contents(atPath: folder.path + "/calls.outputs/speech.mp3"))
        #expect(saved.count == speech["bytes"] as? Int)
        #expect(Array(saved.prefix(3)) == Array("ID3".utf8))
        for id in ["image", "edit"] {
            let data = try #require((body(id) as? [String: Any])?["data"] as? [[String: Any]])
            #expect(data.first?["file"] as? String == "calls.outputs/\(id).png")
            let png = try #require(
                FileManager.default.contents(atPath: folder.path + "/calls.outputs/\(id).png"))
            #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            #expect(png.count == data.first?["bytes"] as? Int)
        }

        #expect(Set(outputs.errors.keys) == ["missing", "outside"])
        for id in ["missing", "outside"] {
            let error = outputs.errors[id]?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "invalid_file")
            #expect((error?["message"] as? String)?.hasPrefix("calls.jsonl line ") == true)
        }
        #expect(sim.simulator.stats.received == 9, "refused lines never reach the server")
    }
}
