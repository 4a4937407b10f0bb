import Foundation
import Testing

@testable import BatchSimulator

@Suite("Routes and answer shapes")
struct RoutesTests {
    static let chatPaths = [
        "/v1/chat/completions",
        "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21",
        "/openai/v1/chat/completions",
    ]

    @Test("chat/completions answers in all three URL forms", arguments: chatPaths)
    func chatForms(path: String) async throws {
        try await Harness.run { h in
            let content = String(repeating: "abcd", count: 10)
            let reply = try await h.post(path, chatBody(content: content, extra: ["n": 2, "max_tokens": 50]))
            #expect(reply.status == 200)
            #expect(reply.header("x-request-id")?.hasPrefix("req_") == true)
            #expect(reply.header("content-type") == "application/json")
            #expect((reply.header("apim-request-id") != nil) == path.hasPrefix("/openai"))
            let json = try #require(reply.json)
            #expect(json["object"] as? String == "chat.completion")
            #expect((json["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(json["model"] as? String == "gpt-4o-mini")
            let choices = try #require(json.objects("choices"))
            #expect(choices.count == 2)
            #expect(choices[0].object("message")?["role"] as? String == "assistant")
            let answer = choices[0].object("message")?["content"] as? String
            #expect(answer?.isEmpty == false)
            let usage = try #require(json.object("usage"))
            #expect(usage["prompt_tokens"] as? Int == 10)
            let completion = try #require(usage["completion_tokens"] as? Int)
            #expect(completion > 0 && completion <= 100)
            #expect(usage["total_tokens"] as? Int == 10 + completion)
        }
    }

    @Test("max_tokens bounds completion tokens and sets finish_reason length")
    func maxTokensBound() async throws {
        try await Harness.run { h in
            let reply = try await h.post(
                "/v1/chat/completions", chatBody(extra: ["max_completion_tokens": 2]))
            let json = try #require(reply.json)
            #expect(json.object("usage")?["completion_tokens"] as? Int == 2)
            #expect(json.objects("choices")?.first?["finish_reason"] as? String == "length")
        }
    }

    @Test(
        "embeddings answer in all three URL forms",
        arguments: [
            "/v1/embeddings", "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
            "/openai/v1/embeddings",
        ])
    func embeddingForms(path: String) async throws {
        try await Harness.run { h in
            let reply = try await h.post(path, ["model": "text-embedding-3-small", "input": "hello world!"])
            #expect(reply.status == 200)
            #expect(reply.header("x-request-id") != nil)
            let json = try #require(reply.json)
            #expect(json["object"] as? String == "list")
            #expect(json["model"] as? String == "text-embedding-3-small")
            let data = try #require(json.objects("data"))
            #expect(data.count == 1)
            #expect(data[0]["object"] as? String == "embedding")
            #expect((data[0]["embedding"] as? [Double])?.count == 8)
            #expect(json.object("usage")?["prompt_tokens"] as? Int == 3)
            #expect(json.object("usage")?["total_tokens"] as? Int == 3)
        }
    }

    @Test("the Azure deployment in the path is the model")
    func deploymentIsModel() async throws {
        try await Harness.run { h in
            let reply = try await h.post(
                "/openai/deployments/my-deploy/chat/completions?api-version=2024-10-21",
                ["messages": [["role": "user", "content": "hi"]]])
            #expect(reply.status == 200)
            #expect(reply.json?["model"] as? String == "my-deploy")
        }
    }

    @Test("responses, completions and moderations have their shapes")
    func otherOperations() async throws {
        try await Harness.run { h in
            let responses = try #require(
                try await h.post(
                    "/v1/responses",
                    [
                        "model": "m",
                        "input": [
                            ["role": "user", "content": [["type": "input_text", "text": "hi there"]]]
                        ],
                    ]
                ).json)
            #expect(responses["object"] as? String == "response")
            #expect(responses["status"] as? String == "completed")
            let part = responses.objects("output")?.first?.objects("content")?.first
            #expect(part?["type"] as? String == "output_text")
            #expect(responses.object("usage")?["input_tokens"] as? Int == 2)

            let completions = try #require(
                try await h.post("/v1/completions", ["model": "m", "prompt": "hello"]).json)
            #expect(completions["object"] as? String == "text_completion")
            #expect(completions.objects("choices")?.first?["text"] is String)
            #expect(completions.object("usage")?["prompt_tokens"] as? Int == 1)

            let moderations = try #require(
                try await h.post(
                    "/v1/moderations", ["model": "omni-moderation-latest", "input": ["a", "b"]]
                ).json)
            #expect((moderations["id"] as? String)?.hasPrefix("modr-") == true)
            let results = try #require(moderations.objects("results"))
            #expect(results.count == 2)
            #expect(results[0]["flagged"] as? Bool == false)
            #expect(results[0].object("categories")?["violence"] as? Bool == false)
            #expect(results[0].object("category_scores")?["hate"] is Double)
        }
    }

    @Test("bad requests get 400/404 with error bodies")
    func badRequests() async throws {
        try await Harness.run { h in
            let noVersion = try await h.post("/openai/deployments/d/chat/completions", chatBody())
            #expect(noVersion.status == 400)
            #expect(noVersion.json?.object("error")?["message"] is String)

            let unknown = try await h.post("/v1/nothing/here", chatBody())
            #expect(unknown.status == 404)
            #expect(unknown.json?.object("error")?["code"] as? String == "unknown_url")

            let notJSON = try await h.post("/v1/chat/completions", json: "[1,2]")
            #expect(notJSON.status == 400)
            #expect(notJSON.json?.object("error")?["code"] as? String == "invalid_request")

            let noModel = try await h.post(
                "/v1/chat/completions", ["messages": [["role": "user", "content": "x"]]])
            #expect(noModel.status == 400)
            #expect(noModel.json?.object("error")?["code"] as? String == "invalid_request")
            #expect(noModel.header("x-request-id") != nil)

            let stats = h.simulator.stats
            #expect(stats.received == 4)
            #expect(stats.answered4xx == 4)
        }
    }
}
