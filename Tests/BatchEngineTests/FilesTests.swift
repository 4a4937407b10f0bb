import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import Foundation
import Testing

@Suite("Files: upload checks, form bodies, saved answers")
struct FilesTests {
    @Test("a file inside the input's folder passes; .., symlinks out and absolute paths are refused")
    func pathSafety() throws {
        let outside = try TemporaryDirectory()
        let folder = try TemporaryDirectory()
        outside.write("secret.wav", bytes: [1])
        try FileManager.default.createDirectory(
            atPath: folder.path("calls"), withIntermediateDirectories: true)
        folder.write("calls/a.wav", bytes: [1, 2, 3])
        try FileManager.default.createSymbolicLink(
            atPath: folder.path("link.wav"), withDestinationPath: outside.path("secret.wav"))
        let policy = UploadPolicy()
        let ok = try policy.check("calls/a.wav", inputDirectory: folder.root)
        #expect(ok.size == 3 && ok.fileName == "a.wav")
        #expect(try policy.check("calls/../calls/a.wav", inputDirectory: folder.root).size == 3)
        for path in [
            "../\(outside.url.lastPathComponent)/secret.wav", "link.wav", outside.path("secret.wav"),
        ] {
            #expect(throws: UploadError.self, "\(path)") {
                try policy.check(path, inputDirectory: folder.root)
            }
        }
        let allowed = UploadPolicy(allowedRoots: [outside.root])
        #expect(try allowed.check("link.wav", inputDirectory: folder.root).size == 1)
        #expect(try allowed.check(outside.path("secret.wav"), inputDirectory: folder.root).size == 1)
    }

    @Test("missing files, folders and files over the limit are refused with the reason")
    func existenceAndSize() throws {
        let folder = try TemporaryDirectory()
        folder.write("big.wav", bytes: [UInt8](repeating: 0, count: 11))
        let policy = UploadPolicy(maxBytes: 10)
        let missing = #expect(throws: UploadError.self) {
            try policy.check("none.wav", inputDirectory: folder.root)
        }
        #expect(missing?.description == #"file "none.wav": no such file"#)
        let big = #expect(throws: UploadError.self) {
            try policy.check("big.wav", inputDirectory: folder.root)
        }
        #expect(big?.reason.contains("over the upload limit of 10 bytes") == true)
        #expect(throws: UploadError.self) { try policy.check(".", inputDirectory: folder.root) }
    }

    @Test("body members become form fields; arrays repeat as name[]; null is left out")
    func formFields() throws {
        let body =
            #"{"model":"whisper","file":"a.wav","response_format":"verbose_json","timestamp_granularities":["word","segment"],"temperature":0.2,"x":null,"flag":true,"chunking_strategy":{"type":"auto"}}"#
        let form = try FormRequest(body: Array(body.utf8), path: .audioTranscriptions)
        #expect(form.files.map(\.path) == ["a.wav"])
        #expect(
            form.fields.map { "\($0.name)=\($0.value)" } == [
                "model=whisper", "response_format=verbose_json", "timestamp_granularities[]=word",
                "timestamp_granularities[]=segment", "temperature=0.2", "flag=true",
                #"chunking_strategy={"type":"auto"}"#,
            ])
        #expect(form.expectedAnswer(for: .audioTranscriptions) == .json)
        let missing = #expect(throws: LineRejection.self) {
            try FormRequest(body: Array(#"{"model":"m"}"#.utf8), path: .audioTranslations)
        }
        #expect(missing?.code == "invalid_file")
        let edit = try FormRequest(
            body: Array(#"{"model":"m","image":"i.png","prompt":"p"}"#.utf8), path: .imagesEdits)
        #expect(edit.files.map(\.name) == ["image"])
    }

    @Test("the expected answer follows the operation and response_format")
    func expectedAnswers() {
        #expect(ExpectedAnswer(path: .audioTranscriptions, responseFormat: "srt", outputFormat: nil) == .text)
        #expect(ExpectedAnswer(path: .audioTranslations, responseFormat: nil, outputFormat: nil) == .json)
        #expect(
            ExpectedAnswer(path: .audioSpeech, responseFormat: "wav", outputFormat: nil)
                == .binary(fileExtension: "wav"))
        #expect(
            ExpectedAnswer(path: .audioSpeech, responseFormat: "../x", outputFormat: nil)
                == .binary(fileExtension: "mp3"))
        #expect(
            ExpectedAnswer(path: .imagesGenerations, responseFormat: nil, outputFormat: nil)
                == .images(fileExtension: "png"))
        #expect(ExpectedAnswer(path: .chatCompletions, responseFormat: "text", outputFormat: nil) == .json)
        #expect(APIPath.supported.filter { !$0.countsTokens }.count == 5, "audio and images use no tokens")
        #expect(
            APIPath.allCases.filter(\.sendsFile) == [.audioTranscriptions, .audioTranslations, .imagesEdits])
        // Which answers are saved to files, on the blocking pool rather than a task thread.
        #expect(
            APIPath.allCases.filter {
                ExpectedAnswer(path: $0, responseFormat: nil, outputFormat: nil).savesFiles
            }
                == [.audioSpeech, .imagesGenerations, .imagesEdits])
        #expect(!ExpectedAnswer.text.savesFiles)
    }

    @Test("custom_id to file name: safe characters kept, others percent-encoded, long ids hashed")
    func fileNames() {
        #expect(OutputFileName.forCustomID("call-7_a.b") == "call-7_a.b")
        #expect(OutputFileName.forCustomID("a b/c%") == "a%20b%2Fc%25")
        #expect(OutputFileName.forCustomID("..") == "%2E.")
        #expect(OutputFileName.forCustomID("é") == "%C3%A9")
        let long = OutputFileName.forCustomID(String(repeating: "/", count: 300))
        #expect(long.utf8.count <= OutputFileName.maxBytes)
        #expect(long != OutputFileName.forCustomID(String(repeating: "/", count: 301)))
    }

    @Test("text answers become JSON strings; binary answers are saved and described")
    func shaping() throws {
        let folder = try TemporaryDirectory()
        let shaper = AnswerShaper(writer: BinaryOutputWriter(inputPath: folder.path("job.jsonl")))
        let srt = "1\n00:00:00,000 --> 00:00:01,000\n\"Hi\"\n"
        let text = try shaper.shape(
            HTTPAnswer(status: 200, headers: ["content-type": "text/plain"], body: Array(srt.utf8)),
            expected: .text,
            customID: "t")
        #expect(
            try JSONSerialization.jsonObject(with: Data(text.body), options: .fragmentsAllowed) as? String
                == srt)
        let bytes: [UInt8] = [0xFF, 0, 0x80, 10]
        let speech = try shaper.shape(
            HTTPAnswer(status: 200, headers: ["content-type": "audio/mpeg"], body: bytes),
            expected: .binary(fileExtension: "mp3"), customID: "s/1")
        let described = try #require(
            try JSONSerialization.jsonObject(with: Data(speech.body)) as? [String: Any])
        #expect(described["file"] as? String == "job.outputs/s%2F1.mp3")
        #expect(described["bytes"] as? Int == 4)
        #expect(described["content_type"] as? String == "audio/mpeg")
        #expect(FileManager.default.contents(atPath: folder.path("job.outputs/s%2F1.mp3")) == Data(bytes))
        let failed = HTTPAnswer(status: 400, headers: [:], body: Array("{}".utf8))
        #expect(
            try shaper.shape(failed, expected: .binary(fileExtension: "mp3"), customID: "x").body
                == failed.body)
    }

    @Test("b64_json images are decoded, saved and replaced by their file")
    func images() throws {
        let folder = try TemporaryDirectory()
        let shaper = AnswerShaper(writer: BinaryOutputWriter(inputPath: folder.path("pics.jsonl")))
        let body = #"{"created":1,"data":[{"b64_json":"AAEC"},{"b64_json":"/w=="}]}"#
        let shaped = try shaper.shape(
            HTTPAnswer(status: 200, headers: [:], body: Array(body.utf8)),
            expected: .images(fileExtension: "png"),
            customID: "img")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shaped.body)) as? [String: Any])
        let data = try #require(object["data"] as? [[String: Any]])
        #expect(data.map { $0["file"] as? String } == ["pics.outputs/img-0.png", "pics.outputs/img-1.png"])
        #expect(data.allSatisfy { $0["b64_json"] == nil })
        #expect(
            FileManager.default.contents(atPath: folder.path("pics.outputs/img-0.png")) == Data([0, 1, 2]))
        #expect(FileManager.default.contents(atPath: folder.path("pics.outputs/img-1.png")) == Data([0xFF]))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path("pics.outputs"))
        #expect(leftovers.sorted() == ["img-0.png", "img-1.png"], "no temporary file is left")
    }
}

@Suite("Files: configuration")
struct FilesConfigurationTests {
    @Test("allowed_file_roots and max_upload_bytes come from the config file; defaults otherwise")
    func uploadSettings() throws {
        let json = #"{"endpoints": {}, "allowed_file_roots": ["/srv/audio"], "max_upload_bytes": 1000}"#
        let file = try JSONDecoder().decode(ConfigFile.self, from: Data(json.utf8))
        let policy = Settings(file: file, environment: [:]).uploadPolicy
        #expect(policy == UploadPolicy(allowedRoots: ["/srv/audio"], maxBytes: 1000))
        #expect(Settings(environment: [:]).uploadPolicy == UploadPolicy(allowedRoots: [], maxBytes: 25 << 20))
    }
}
