import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Foundation
import Synchronization
import Testing

@testable import BatchStore

@Suite("JobRunner: Microsoft Entra ID credentials")
struct EntraJobTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    static let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token-body.sig"
    static let invalidSecret = HTTPAnswer.json(
        401,
        #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 1","error_codes":[7000215]}"#
    )

    /// An Azure endpoint on loopback authenticating with a client secret against a loopback authority.
    func environment(_ transport: ScriptedTransport, secret: String) -> RunEnvironment {
        var environment = fixture.environment(transport)
        var settings = Settings(environment: [
            "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:9", "OPENAI_API_VERSION": "v1",
            "AZURE_AUTHORITY_HOST": "http://127.0.0.1:9", "AZURE_TENANT_ID": "contoso",
            "AZURE_CLIENT_ID": "app",
            "AZURE_CLIENT_SECRET": secret,
        ])
        settings.identity = IdentityServices(
            http: IdentityHTTP(transport: transport, clock: fixture.clock),
            runner: ScriptedCommandRunner { _ in .failure(.notFound) },
            caches: TokenCaches(clock: fixture.clock))
        environment.settings = settings
        return environment
    }

    /// Answers the token endpoint (a token for the secret `right`, else AADSTS7000215) and the API
    /// (200 with the token issued, else 401).
    func transport(right: String) -> ScriptedTransport {
        ScriptedTransport { request, _ in
            if request.url.hasSuffix("/oauth2/v2.0/token") {
                let body = String(decoding: request.body, as: UTF8.self)
                return body.contains("client_secret=\(right)")
                    ? .json(
                        200, #"{"token_type":"Bearer","expires_in":3599,"access_token":"\#(Self.token)"}"#)
                    : Self.invalidSecret
            }
            guard request.headers["Authorization"] == "Bearer \(Self.token)" else { return .json(401, "{}") }
            return RunnerFixture.ok(request)
        }
    }

    @Test(
        "a wrong secret pauses the job auth_failed with the AADSTS code at once; resume continues once fixed")
    func wrongSecretPausesThenResumes() async throws {
        let ids = (1...20).map { "r\($0)" }
        let job = try await fixture.submit(fixture.writeInput(customIDs: ids))
        let wrong = transport(right: "right")
        let outcome = try await JobRunner(jobID: job.id, environment: environment(wrong, secret: "wrong"))
            .run()
        guard case .paused(let paused) = outcome else {
            Issue.record("expected paused, got \(outcome)")
            return
        }
        #expect(paused.stateCode == .authFailed)
        let reason = try #require(paused.stateReason)
        #expect(reason.contains("client_secret"))
        #expect(reason.contains("AADSTS7000215: Invalid client secret provided."))
        #expect(reason.contains("batchctl resume \(job.id)"))
        #expect(!reason.contains("wrong"))
        #expect(paused.counts.failed == 0)
        #expect(try fixture.pending(job.id).count == ids.count)
        #expect(try fixture.pending(job.id).allSatisfy { $0.attempts == 0 })
        #expect(wrong.requests.allSatisfy { $0.url.hasSuffix("/oauth2/v2.0/token") }, "no API request sent")
        #expect(wrong.requests.count <= 2, "one token request per fetch, not one per line")

        let now = fixture.clock.now
        _ = try fixture.store.write { try $0.resume(job: job.id, now: now) }
        let fixed = transport(right: "right")
        guard
            case .completed(let done) = try await JobRunner(
                jobID: job.id, environment: environment(fixed, secret: "right")
            ).run()
        else {
            Issue.record("expected the resumed job to complete")
            return
        }
        #expect(done.counts.succeeded == ids.count)
        #expect(fixed.requests.filter { $0.url.hasSuffix("/oauth2/v2.0/token") }.count == 1)

        // The token reached no file: not the database, the outputs or the report.
        let files = OutputFiles(input: done.inputPath)
        for path in [fixture.directory.path("batchd.sqlite"), files.results, files.errors, files.report] {
            let bytes = FileManager.default.contents(atPath: path) ?? Data()
            #expect(!String(decoding: bytes, as: UTF8.self).contains("secret-token-body"), "\(path)")
        }
    }

    @Test("a token refused mid-run (expired early): one refresh, the requests retried, none failed")
    func refusedMidRun() async throws {
        let ids = (1...40).map { "r\($0)" }
        let job = try await fixture.submit(fixture.writeInput(customIDs: ids))
        // Tokens t1, t2, …; the API accepts only the newest, and revokes t1 after 10 answers.
        let issued = Counter()
        let answered = Counter()
        let transport = ScriptedTransport { request, _ in
            if request.url.hasSuffix("/oauth2/v2.0/token") {
                let number = issued.increment()
                return .json(200, #"{"expires_in":3599,"access_token":"t\#(number)"}"#)
            }
            let accepted = answered.value < 10 ? "t1" : "t2"
            guard request.headers["Authorization"] == "Bearer \(accepted)" else {
                return .json(
                    401,
                    #"{"error":{"code":"401","message":"Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."}}"#
                )
            }
            answered.increment()
            return RunnerFixture.ok(request)
        }
        guard
            case .completed(let done) = try await JobRunner(
                jobID: job.id, environment: environment(transport, secret: "s")
            ).run()
        else {
            Issue.record("expected completed")
            return
        }
        #expect(done.counts.succeeded == ids.count)
        #expect(done.counts.failed == 0)
        #expect(issued.value == 2, "one refresh for every request refused with t1")
    }
}

/// A thread-safe counter for scripted transports.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    @discardableResult func increment() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
}
