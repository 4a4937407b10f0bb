import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import BatchSimulator

@Suite("Files and Batches API")
struct BatchAPITests {
    /// The three URL forms: prefix, query suffix and the `url` lines must carry for chat.
    static let forms: [(prefix: String, query: String, chatURL: String)] = [
        ("/v1", "", "/v1/chat/completions"),
        ("/openai/v1", "", "/v1/chat/completions"),
        ("/openai", "?api-version=2025-04-01-preview", "/chat/completions"),
    ]

    static func line(_ id: String, url: String, model: String = "gpt-4o-mini", content: String = "hi")
        -> String
    {
        let body = chatBody(model: model, content: content)
        let object: [String: Any] = ["custom_id": id, "method": "POST", "url": url, "body": body]
        let data = try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys)
        return String(decoding: data, as: UTF8.self)
    }

    /// Uploads `text` as a batch input file; returns its id.
    static func upload(_ h: Harness, prefix: String, query: String, _ text: String) async throws -> String {
        let boundary = "sim-boundary"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
        body += "Content-Type: application/jsonl\r\n\r\n\(text)\r\n--\(boundary)--\r\n"
        let reply = try await h.send(
            prefix + "/files" + query, body: ByteBuffer(string: body),
            headers: [("content-type", "multipart/form-data; boundary=\(boundary)")])
        #expect(reply.status == 200, "\(reply.text)")
        let json = try #require(reply.json)
        #expect(json["purpose"] as? String == "batch")
        return try #require(json["id"] as? String)
    }

    static func create(
        _ h: Harness, prefix: String, query: String, file: String, endpoint: String,
        metadata: [String: String] = [:]
    ) async throws -> [String: Any] {
        let reply = try await h.post(
            prefix + "/batches" + query,
            ["input_file_id": file, "endpoint": endpoint, "completion_window": "24h", "metadata": metadata])
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(reply.json)
    }

    static func lines(_ h: Harness, prefix: String, query: String, file: String) async throws -> [[String:
        Any]]
    {
        let reply = try await h.send(prefix + "/files/\(file)/content" + query, method: .GET)
        #expect(reply.status == 200)
        return reply.text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    @Test("a batch is validated, answered and completed in every URL form", arguments: 0..<3)
    func lifecycle(form: Int) async throws {
        let (prefix, query, url) = Self.forms[form]
        try await Harness.run { h in
            let text = (1...3).map { Self.line("c\($0)", url: url) }.joined(separator: "\n")
            let file = try await Self.upload(h, prefix: prefix, query: query, text)
            let created = try await Self.create(
                h, prefix: prefix, query: query, file: file, endpoint: url, metadata: ["batchd_job": "7"])
            #expect(created["status"] as? String == "completed")
            #expect(created.object("metadata")?["batchd_job"] as? String == "7")
            let id = try #require(created["id"] as? String)
            let retrieved = try #require(
                try await h.send(prefix + "/batches/\(id)" + query, method: .GET).json)
            #expect(retrieved.object("request_counts")?["total"] as? Int == 3)
            #expect(retrieved.object("request_counts")?["completed"] as? Int == 3)
            #expect(retrieved["error_file_id"] is NSNull)
            let output = try #require(retrieved["output_file_id"] as? String)
            let answers = try await Self.lines(h, prefix: prefix, query: query, file: output)
            #expect(Set(answers.compactMap { $0["custom_id"] as? String }) == ["c1", "c2", "c3"])
            let response = try #require(answers.first?.object("response"))
            #expect(response["status_code"] as? Int == 200)
            #expect(response.object("body")?["object"] as? String == "chat.completion")
            #expect(answers.first?["error"] is NSNull)
            #expect(h.simulator.batchesCreated == 1)
        }
    }

    @Test("a batch goes through validating, in_progress and finalizing over its processing time")
    func phases() async throws {
        try await Harness.run({ $0.batches.processingTime = .seconds(3600) }) { h in
            let file = try await Self.upload(
                h, prefix: "/v1", query: "", Self.line("a", url: "/v1/chat/completions"))
            let created = try await Self.create(
                h, prefix: "/v1", query: "", file: file, endpoint: "/v1/chat/completions")
            #expect(created["status"] as? String == "validating")
            #expect(created["output_file_id"] is NSNull)
            let id = try #require(created["id"] as? String)
            let cancelled = try #require(try await h.send("/v1/batches/\(id)/cancel", method: .POST).json)
            #expect(cancelled["status"] as? String == "cancelling")
            let after = try #require(try await h.send("/v1/batches/\(id)", method: .GET).json)
            #expect(after["status"] as? String == "cancelled")
        }
    }

    @Test("invalid lines fail the batch with their line numbers")
    func validationFailure() async throws {
        try await Harness.run { h in
            let url = "/v1/chat/completions"
            let text = [
                Self.line("a", url: url), "not json", Self.line("a", url: url),
                Self.line("b", url: "/v1/embeddings"),
            ]
            .joined(separator: "\n")
            let file = try await Self.upload(h, prefix: "/v1", query: "", text)
            let batch = try await Self.create(h, prefix: "/v1", query: "", file: file, endpoint: url)
            #expect(batch["status"] as? String == "failed")
            let errors = try #require(batch.object("errors")?.objects("data"))
            #expect(errors.map { $0["line"] as? Int } == [2, 3, 4])
            #expect(
                errors.map { $0["code"] as? String } == [
                    "invalid_json_line", "duplicate_custom_id", "url_mismatch",
                ])
        }
    }

    @Test("Azure takes one deployment per file and no embeddings")
    func azureRules() async throws {
        try await Harness.run { h in
            let url = "/v1/chat/completions"
            let text =
                Self.line("a", url: url, model: "gb-1") + "\n" + Self.line("b", url: url, model: "gb-2")
            let file = try await Self.upload(h, prefix: "/openai/v1", query: "", text)
            let batch = try await Self.create(h, prefix: "/openai/v1", query: "", file: file, endpoint: url)
            #expect(batch.object("errors")?.objects("data")?.first?["code"] as? String == "model_mismatch")
            let refused = try await h.post(
                "/openai/v1/batches",
                ["input_file_id": file, "endpoint": "/v1/embeddings", "completion_window": "24h"])
            #expect(refused.status == 400)
            let dated = try await h.send("/openai/batches", method: .GET)
            #expect(dated.status == 400)
        }
    }

    @Test("expiry answers a share and puts the rest in the error file; failing lines go there too")
    func expiryAndFailures() async throws {
        try await Harness.run({ $0.batches.expire = true }) { h in
            let url = "/v1/chat/completions"
            let text = (1...4).map { Self.line("e\($0)", url: url) }.joined(separator: "\n")
            let file = try await Self.upload(h, prefix: "/v1", query: "", text)
            let batch = try await Self.create(h, prefix: "/v1", query: "", file: file, endpoint: url)
            #expect(batch["status"] as? String == "expired")
            let output = try await Self.lines(
                h, prefix: "/v1", query: "", file: try #require(batch["output_file_id"] as? String))
            let errors = try await Self.lines(
                h, prefix: "/v1", query: "", file: try #require(batch["error_file_id"] as? String))
            #expect(output.count == 2)
            #expect(errors.count == 2)
            #expect(
                errors.allSatisfy {
                    $0.object("error")?["code"] as? String == "batch_expired" && $0["response"] is NSNull
                })
        }
        try await Harness.run({ $0.batches.lineFailureRate = 1 }) { h in
            let url = "/v1/chat/completions"
            let file = try await Self.upload(h, prefix: "/v1", query: "", Self.line("f", url: url))
            let batch = try await Self.create(h, prefix: "/v1", query: "", file: file, endpoint: url)
            #expect(batch.object("request_counts")?["failed"] as? Int == 1)
            let errors = try await Self.lines(
                h, prefix: "/v1", query: "", file: try #require(batch["error_file_id"] as? String))
            #expect(errors.first?.object("response")?["status_code"] as? Int == 500)
        }
    }

    @Test("list finds a batch by its metadata, newest first, with paging; files can be deleted")
    func listAndDelete() async throws {
        try await Harness.run { h in
            let url = "/v1/chat/completions"
            let file = try await Self.upload(h, prefix: "/v1", query: "", Self.line("a", url: url))
            for part in 1...3 {
                _ = try await Self.create(
                    h, prefix: "/v1", query: "", file: file, endpoint: url, metadata: ["part": "\(part)"])
            }
            let first = try #require(try await h.send("/v1/batches?limit=2", method: .GET).json)
            let page = try #require(first.objects("data"))
            #expect(page.map { $0.object("metadata")?["part"] as? String } == ["3", "2"])
            #expect(first["has_more"] as? Bool == true)
            let last = try #require(first["last_id"] as? String)
            let second = try #require(
                try await h.send("/v1/batches?limit=2&after=\(last)", method: .GET).json)
            #expect(second.objects("data")?.map { $0.object("metadata")?["part"] as? String } == ["1"])
            #expect(second["has_more"] as? Bool == false)
            #expect(try await h.send("/v1/files/\(file)", method: .DELETE).status == 200)
            #expect(try await h.send("/v1/files/\(file)", method: .GET).status == 404)
        }
    }

    @Test("batch routes need the API key like the others")
    func auth() async throws {
        try await Harness.run({ $0.apiKey = "k" }) { h in
            let refused = try await h.send("/v1/batches", method: .GET)
            let admitted = try await h.send("/v1/batches", method: .GET, headers: [("api-key", "k")])
            #expect(refused.status == 401)
            #expect(admitted.status == 200)
        }
    }
}
