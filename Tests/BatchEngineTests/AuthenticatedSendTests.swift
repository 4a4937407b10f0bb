import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Testing

@Suite("RequestSender: refreshed credentials and 401 answers")
struct AuthenticatedSendTests {
    let clock = ManualClock()
    let directory: TemporaryDirectory
    let item: DispatchItem
    let input: InputFile

    init() throws {
        directory = try TemporaryDirectory()
        let line = JobFixtures.chatLine(customID: "a")
        let path = directory.write("input.jsonl", lines: [line])
        input = try InputFile(path: path)
        item = DispatchItem(
            request: PendingRequest(
                line: 1, offset: 0, length: line.utf8.count, customID: "a", path: "chat/completions",
                model: "gpt-4o-mini", attempts: 0, nextAttemptAt: clock.now),
            lane: LaneKey(endpoint: "default", model: "gpt-4o-mini"))
    }

    func sender(_ credential: any CredentialProvider, _ transport: ScriptedTransport) -> RequestSender {
        let endpoint = Endpoint(
            name: "default", flavor: .azure(apiVersion: "v1"), baseURL: "http://127.0.0.1:9",
            credential: credential)
        return RequestSender(
            endpoint: endpoint, transport: transport, input: input, timeout: { _ in .seconds(5) },
            clock: clock)
    }

    static let unauthorized = HTTPAnswer.json(
        401,
        #"{"error":{"code":"401","message":"Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."}}"#
    )

    @Test("a 401 drops the token and the request goes once more with a new one; the 401 is no outcome")
    func retriedOnce() async throws {
        let source = ScriptedTokenSource(clock: clock, life: .seconds(3600))
        let credential = EntraCredential(cache: TokenCache(source: source, clock: clock))
        let transport = ScriptedTransport { request, index in
            index == 0 ? Self.unauthorized : RunnerFixture.ok(request)
        }
        let result = await sender(credential, transport).send(item)
        guard case .attempt(.answer(let answer)) = result else {
            Issue.record("expected an answer, got \(result)")
            return
        }
        #expect(answer.status == 200)
        #expect(
            transport.requests.map { $0.headers["Authorization"] } == ["Bearer token-1", "Bearer token-2"])
        #expect(source.fetches == 2)
    }

    @Test("a fresh token refused again: auth_failed with the endpoint's message, nothing recorded")
    func refusedTwice() async throws {
        let source = ScriptedTokenSource(clock: clock, life: .seconds(3600))
        let credential = EntraCredential(cache: TokenCache(source: source, clock: clock))
        let transport = ScriptedTransport { _, _ in Self.unauthorized }
        let result = await sender(credential, transport).send(item)
        guard case .authFailed(let detail) = result else {
            Issue.record("expected authFailed, got \(result)")
            return
        }
        #expect(detail.contains("HTTP 401"))
        #expect(detail.contains("Access token is missing"))
        #expect(!detail.contains("token-"))
        #expect(transport.requests.count == 2)
    }

    @Test("a source that gives no token: auth_failed naming the source and Entra's code, nothing sent")
    func sourceFails() async throws {
        let source = ScriptedTokenSource(name: "client_secret") { _ throws(TokenFailure) in
            throw TokenFailure(
                kind: .rejected, source: "client_secret", entraCode: "AADSTS7000215",
                message: "AADSTS7000215: Invalid client secret provided.")
        }
        let credential = EntraCredential(cache: TokenCache(source: source, clock: clock))
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let result = await sender(credential, transport).send(item)
        guard case .authFailed(let detail) = result else {
            Issue.record("expected authFailed, got \(result)")
            return
        }
        #expect(detail == "client_secret: AADSTS7000215: Invalid client secret provided.")
        #expect(transport.requests.isEmpty)
    }

    @Test("an API key's 401 is the request's answer: sent once, not retried")
    func apiKeyNotRetried() async throws {
        let transport = ScriptedTransport { _, _ in Self.unauthorized }
        let result = await sender(APIKeyCredential(key: "k", style: .apiKeyHeader), transport).send(item)
        guard case .attempt(.answer(let answer)) = result else {
            Issue.record("expected the 401 answer, got \(result)")
            return
        }
        #expect(answer.status == 401)
        #expect(transport.requests.count == 1)
    }
}
