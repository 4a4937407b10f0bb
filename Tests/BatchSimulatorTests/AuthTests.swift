import Testing

@testable import BatchSimulator

@Suite("API key check")
struct AuthTests {
    @Test("missing or wrong keys get 401, right keys in either header get 200")
    func apiKey() async throws {
        try await Harness.run({ $0.apiKey = "sekret" }) { h in
            let path = "/v1/chat/completions"
            let missing = try await h.post(path, chatBody())
            #expect(missing.status == 401)
            #expect(missing.json?.object("error")?["code"] as? String == "invalid_api_key")
            #expect(missing.json?.object("error")?["type"] as? String == "invalid_request_error")

            let wrong = try await h.post(path, chatBody(), headers: [("api-key", "nope")])
            #expect(wrong.status == 401)
            let wrongBearer = try await h.post(path, chatBody(), headers: [("authorization", "Bearer nope")])
            #expect(wrongBearer.status == 401)

            let azure = try await h.post(path, chatBody(), headers: [("api-key", "sekret")])
            #expect(azure.status == 200)
            let bearer = try await h.post(path, chatBody(), headers: [("Authorization", "Bearer sekret")])
            #expect(bearer.status == 200)

            #expect(h.simulator.stats.answered4xx == 3)
            #expect(h.simulator.stats.answered2xx == 2)
        }
    }
}
