import BatchCore
import BatchTesting
import BatchTransport
import Crypto
import Foundation
import Testing
import _CryptoExtras

@Suite("Token sources")
struct TokenSourceTests {
    let clock = ManualClock()
    let directory: TemporaryDirectory
    let cloud = EntraCloud(authority: "http://127.0.0.1:9")

    init() throws { directory = try TemporaryDirectory() }

    func http(_ transport: ScriptedTransport) -> IdentityHTTP {
        IdentityHTTP(transport: transport, clock: clock)
    }

    static let tokenAnswer = HTTPAnswer.json(
        200, #"{"token_type":"Bearer","expires_in":3599,"access_token":"tok-abc"}"#)
    static let invalidSecret = HTTPAnswer.json(
        401,
        #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: 1f\r\nCorrelation ID: 2e","error_codes":[7000215]}"#
    )

    /// The form fields of a request's body.
    static func form(_ request: OutboundRequest) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? ""
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test("client secret: the client-credentials form to {authority}/{tenant}/oauth2/v2.0/token")
    func clientSecret() async throws {
        let transport = ScriptedTransport { _, _ in Self.tokenAnswer }
        let source = ClientCredentialsSource.clientSecret(
            tenant: "contoso", clientID: "app-1", secret: { () throws(TokenFailure) in "s3cret" },
            cloud: cloud,
            http: http(transport))
        let token = try await source.fetchToken()
        #expect(token.value == "tok-abc")
        #expect(token.expiresOn == clock.now.advanced(by: .seconds(3599)))
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://127.0.0.1:9/contoso/oauth2/v2.0/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(
            Self.form(request) == [
                "grant_type": "client_credentials", "client_id": "app-1", "client_secret": "s3cret",
                "scope": "https://cognitiveservices.azure.com/.default",
            ])
    }

    @Test("a wrong secret: rejected, with Entra's AADSTS code and first line, never the secret")
    func wrongSecret() async throws {
        let transport = ScriptedTransport { _, _ in Self.invalidSecret }
        let source = ClientCredentialsSource.clientSecret(
            tenant: "contoso", clientID: "app-1", secret: { () throws(TokenFailure) in "s3cret" },
            cloud: cloud,
            http: http(transport))
        let error = await #expect(throws: TokenFailure.self) { try await source.fetchToken() }
        #expect(error?.kind == .rejected)
        #expect(error?.entraCode == "AADSTS7000215")
        #expect(
            error?.description
                == "client_secret: the token endpoint answered HTTP 401: AADSTS7000215: Invalid client secret"
                + " provided. Ensure the secret being sent in the request is the client secret value. (invalid_client)"
        )
        #expect(error?.description.contains("s3cret") == false)
        #expect(error?.description.contains("Trace ID") == false)
    }

    @Test("no answer from the token endpoint: unreachable, naming its host and port")
    func unreachable() async throws {
        let transport = ScriptedTransport { _, _ in
            throw TransportFailure(kind: .unreachable, message: "connection refused by 127.0.0.1:9")
        }
        let source = ClientCredentialsSource.clientSecret(
            tenant: "t", clientID: "c", secret: { () throws(TokenFailure) in "s" }, cloud: cloud,
            http: http(transport))
        let error = await #expect(throws: TokenFailure.self) { try await source.fetchToken() }
        #expect(error?.kind == .unreachable)
        #expect(error?.message.contains("http://127.0.0.1:9") == true)
    }

    @Test("workload identity: the federated token file is the assertion, read again at each fetch")
    func workloadIdentity() async throws {
        let file = directory.path("token")
        try "federated-1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let transport = ScriptedTransport { _, _ in Self.tokenAnswer }
        let source = ClientCredentialsSource.workloadIdentity(
            tenant: "t", clientID: "c", tokenFile: file, cloud: cloud, http: http(transport))
        _ = try await source.fetchToken()
        try "federated-2\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try await source.fetchToken()
        let forms = transport.requests.map(Self.form)
        #expect(forms.map { $0["client_assertion"] } == ["federated-1", "federated-2"])
        #expect(
            forms.allSatisfy {
                $0["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            })
        #expect(forms.allSatisfy { $0["client_secret"] == nil })
    }

    @Test("client certificate: an RS256 assertion with x5t#S256 that verifies with the certificate's key")
    func clientCertificate() async throws {
        let made = try TestCertificate.shared.get()
        let file = directory.path("cert.pem")
        try made.pem.write(toFile: file, atomically: true, encoding: .utf8)
        let transport = ScriptedTransport { _, _ in Self.tokenAnswer }
        let source = CertificateFileSource(
            tenant: "t", clientID: "app-1", path: file, cloud: cloud, http: http(transport))
        #expect(try await source.fetchToken().value == "tok-abc")
        let form = Self.form(try #require(transport.requests.first))
        let assertion = try #require(form["client_assertion"])
        let parts = assertion.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let header = try Self.json(parts[0])
        let claims = try Self.json(parts[1])
        #expect(header["alg"] as? String == "RS256")
        #expect(header["x5t#S256"] as? String == Self.base64URL(Array(SHA256.hash(data: made.der))))
        #expect(claims["aud"] as? String == "http://127.0.0.1:9/t/oauth2/v2.0/token")
        #expect(claims["iss"] as? String == "app-1")
        #expect(claims["sub"] as? String == "app-1")
        #expect(claims["jti"] as? String != nil)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(Self.decode(parts[2])))
        #expect(
            made.key.publicKey.isValidSignature(
                signature, for: Data((parts[0] + "." + parts[1]).utf8), padding: .insecurePKCS1v1_5))
        #expect(form["client_secret"] == nil)
    }

    @Test("a PEM file without its private key is refused, naming the file")
    func certificateWithoutKey() throws {
        let made = try TestCertificate.shared.get()
        #expect(throws: TokenFailure.self) {
            try ClientCertificate(pem: made.certificatePEM, origin: "only-cert.pem")
        }
    }

    @Test(
        "managed identity on App Service: IDENTITY_ENDPOINT with X-IDENTITY-HEADER and expires_on as a string"
    )
    func appService() async throws {
        let transport = ScriptedTransport { _, _ in
            .json(
                200,
                #"{"access_token":"mi-1","expires_on":"1700003600","resource":"https://cognitiveservices.azure.com"}"#
            )
        }
        let kind = ManagedIdentitySource.kind(environment: [
            "IDENTITY_ENDPOINT": "http://127.0.0.1:8081/msi/token", "IDENTITY_HEADER": "hdr",
        ])
        let source = ManagedIdentitySource(
            kind: kind, clientID: "user-assigned", cloud: cloud, http: http(transport))
        let token = try await source.fetchToken()
        #expect(token.value == "mi-1")
        #expect(token.expiresOn == Timestamp(milliseconds: 1_700_003_600_000))
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(
            request.url
                == "http://127.0.0.1:8081/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fcognitiveservices.azure.com&client_id=user-assigned"
        )
        #expect(request.headers["X-IDENTITY-HEADER"] == "hdr")
    }

    @Test("managed identity through IMDS: Metadata: true, the host overridable, probed with a short timeout")
    func imds() async throws {
        let transport = ScriptedTransport { _, _ in
            .json(200, #"{"access_token":"mi-2","expires_in":"86399"}"#)
        }
        let kind = ManagedIdentitySource.kind(environment: [
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:7/"
        ])
        #expect(kind == .imds(base: "http://127.0.0.1:7"))
        let source = ManagedIdentitySource(kind: kind, clientID: nil, cloud: cloud, http: http(transport))
        #expect(try await source.fetchToken().value == "mi-2")
        let request = try #require(transport.requests.first)
        #expect(
            request.url
                == "http://127.0.0.1:7/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fcognitiveservices.azure.com"
        )
        #expect(request.headers["Metadata"] == "true")
        #expect(ManagedIdentitySource.kind(environment: [:]) == .imds(base: "http://169.254.169.254"))
    }

    @Test("no IMDS answering, or IMDS saying no identity is assigned: unavailable, so a chain moves on")
    func imdsUnavailable() async throws {
        let silent = ScriptedTransport { _, _ in throw TransportFailure(kind: .timeout, message: "no answer")
        }
        let none = ManagedIdentitySource(
            kind: .imds(base: "http://127.0.0.1:7"), clientID: nil, cloud: cloud, http: http(silent))
        let error = await #expect(throws: TokenFailure.self) { try await none.fetchToken() }
        #expect(error?.kind == .unavailable)
        let unassigned = ScriptedTransport { _, _ in
            .json(400, #"{"error":"invalid_request","error_description":"Identity not found"}"#)
        }
        let empty = ManagedIdentitySource(
            kind: .imds(base: "http://127.0.0.1:7"), clientID: nil, cloud: cloud, http: http(unassigned))
        let second = await #expect(throws: TokenFailure.self) { try await empty.fetchToken() }
        #expect(second?.kind == .unavailable)
        #expect(second?.message.contains("Identity not found") == true)
    }

    @Test("IMDS after its probe: 404, 429 and 5xx are retried after 1 s, then 2 s; a 403 is not")
    func imdsRetries() async throws {
        let transport = ScriptedTransport { _, index in
            switch index {
            case 0: .json(200, #"{"access_token":"first","expires_in":"3600"}"#)
            case 1: .json(503, "{}")
            case 2: .json(429, "{}")
            case 3: .json(200, #"{"access_token":"second","expires_in":"3600"}"#)
            default: .json(403, #"{"error":"forbidden","error_description":"no"}"#)
            }
        }
        let source = ManagedIdentitySource(
            kind: .imds(base: "http://127.0.0.1:7"), clientID: nil, cloud: cloud, http: http(transport))
        #expect(try await source.fetchToken().value == "first")
        let second = Task { try await source.fetchToken() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.deadlines == [clock.now.advanced(by: .seconds(1))])
        clock.advance(by: .seconds(1))
        #expect(await clock.waitUntil { clock.sleeperCount == 1 && transport.requests.count == 3 })
        #expect(clock.deadlines == [clock.now.advanced(by: .seconds(2))])
        clock.advance(by: .seconds(2))
        #expect(try await second.value.value == "second")
        let error = await #expect(throws: TokenFailure.self) { try await source.fetchToken() }
        #expect(error?.kind == .rejected)
        #expect(transport.requests.count == 5)
    }

    @Test("Azure CLI: az account get-access-token --output json --resource, expires_on read")
    func azureCLI() async throws {
        let runner = ScriptedCommandRunner { _ in
            .success(
                CommandOutput(
                    status: 0,
                    stdout: #"{"accessToken":"cli-1","expires_on":1700001000,"tokenType":"Bearer"}"#,
                    stderr: ""))
        }
        let source = CommandTokenSource.azureCLI(cloud: cloud, tenant: "t", runner: runner, clock: clock)
        let token = try await source.fetchToken()
        #expect(token.value == "cli-1")
        #expect(token.expiresOn == Timestamp(milliseconds: 1_700_001_000_000))
        #expect(
            runner.calls == [
                [
                    "az", "account", "get-access-token", "--output", "json", "--resource",
                    "https://cognitiveservices.azure.com", "--tenant", "t",
                ]
            ])
    }

    @Test("Azure CLI not installed, or not logged in: unavailable; a timeout: unreachable")
    func azureCLIUnavailable() async throws {
        for (outcome, kind) in [
            (Result<CommandOutput, CommandFailure>.failure(.notFound), TokenFailure.Kind.unavailable),
            (
                .success(
                    CommandOutput(
                        status: 1, stdout: "", stderr: "ERROR: Please run 'az login' to setup account.")),
                .unavailable
            ),
            (.failure(.timedOut), .unreachable),
        ] {
            let source = CommandTokenSource.azureCLI(
                cloud: cloud, tenant: nil, runner: ScriptedCommandRunner { _ in outcome }, clock: clock)
            let error = await #expect(throws: TokenFailure.self) { try await source.fetchToken() }
            #expect(error?.kind == kind)
        }
    }

    @Test("token_command: a bare JWT's expiry is its exp claim; the command runs through /bin/sh -c")
    func tokenCommand() async throws {
        let jwt = "eyJhbGciOiJub25lIn0." + Self.base64URL(Array(#"{"exp":1700000900}"#.utf8)) + ".sig"
        let runner = ScriptedCommandRunner { _ in
            .success(CommandOutput(status: 0, stdout: jwt + "\n", stderr: ""))
        }
        let source = CommandTokenSource.tokenCommand(
            "vault read token", scope: cloud.scope, runner: runner, clock: clock)
        let token = try await source.fetchToken()
        #expect(token.value == jwt)
        #expect(token.expiresOn == Timestamp(milliseconds: 1_700_000_900_000))
        #expect(runner.calls == [["/bin/sh", "-c", "vault read token"]])
    }

    @Test("bearer_token_file: read at each fetch; a token that says no expiry lives 5 minutes")
    func bearerTokenFile() async throws {
        let file = directory.path("bearer")
        try "opaque-1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let source = BearerTokenFileSource(path: file, scope: cloud.scope, clock: clock)
        let first = try await source.fetchToken()
        #expect(first.value == "opaque-1")
        #expect(first.expiresOn == clock.now.advanced(by: .seconds(300)))
        try "opaque-2".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await source.fetchToken().value == "opaque-2")
    }

    @Test("a real process: ProcessCommandRunner runs a command and reports one not found")
    func processRunner() async throws {
        let runner = ProcessCommandRunner()
        let output = try await runner.run(
            ["/bin/sh", "-c", "echo hello; echo oops >&2; exit 3"], environment: nil, timeout: .seconds(20))
        #expect(output == CommandOutput(status: 3, stdout: "hello\n", stderr: "oops\n"))
        await #expect(throws: CommandFailure.notFound) {
            try await runner.run(["batchd-no-such-program"], environment: nil, timeout: .seconds(20))
        }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }

    static func json(_ part: String) throws -> [String: Any] {
        let data = try #require(decode(part))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
