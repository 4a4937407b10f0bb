import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import BatchSimulator

/// The simulator's Entra ID side, as Entra ID, IMDS and App Service answer.
@Suite("simulator: Entra ID endpoints")
struct IdentityTests {
    static func configure(_ configuration: inout SimulatorConfiguration) {
        var simulation = EntraSimulation()
        simulation.clientSecret = "secret"
        simulation.tokenLifetime = .seconds(60)
        configuration.entra = simulation
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(
            string: fields.sorted { $0.key < $1.key }.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }.joined(separator: "&"))
    }

    static let grant = [
        "grant_type": "client_credentials", "client_id": "sim-client", "client_secret": "secret",
        "scope": "https://cognitiveservices.azure.com/.default",
    ]

    @Test("the token endpoint issues tokens of --token-lifetime that the API accepts")
    func issues() async throws {
        try await Harness.run(Self.configure) { h in
            let reply = try await h.send(
                "/sim-tenant/oauth2/v2.0/token", body: Self.form(Self.grant),
                headers: [("content-type", "application/x-www-form-urlencoded")])
            #expect(reply.status == 200)
            #expect(reply.json?["expires_in"] as? Int == 60)
            #expect(reply.json?["token_type"] as? String == "Bearer")
            let token = try #require(reply.json?["access_token"] as? String)
            let api = try await h.post(
                "/openai/v1/chat/completions", chatBody(), headers: [("authorization", "Bearer \(token)")])
            #expect(api.status == 200)
            #expect(
                h.simulator.identityStats
                    == {
                        var stats = IdentityStats()
                        stats.tokenRequests = 1
                        stats.tokensIssued = 1
                        return stats
                    }())
        }
    }

    @Test(
        "Entra's errors: wrong secret, unknown client, unknown tenant",
        arguments: [
            ("sim-tenant", ["client_secret": "nope"], 401, 7000215),
            ("sim-tenant", ["client_id": "who"], 400, 700016),
            ("other-tenant", [String: String](), 400, 90002),
        ])
    func errors(tenant: String, change: [String: String], status: Int, code: Int) async throws {
        try await Harness.run(Self.configure) { h in
            let reply = try await h.send(
                "/\(tenant)/oauth2/v2.0/token", body: Self.form(Self.grant.merging(change) { $1 }))
            #expect(reply.status == status)
            #expect(reply.json?["error_codes"] as? [Int] == [code])
            #expect((reply.json?["error_description"] as? String)?.hasPrefix("AADSTS\(code): ") == true)
        }
    }

    @Test("IMDS needs Metadata: true and answers expires_on and expires_in as strings")
    func imds() async throws {
        try await Harness.run(Self.configure) { h in
            let path =
                "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fcognitiveservices.azure.com"
            #expect(try await h.send(path, method: .GET).status == 400)
            let reply = try await h.send(path, method: .GET, headers: [("Metadata", "true")])
            #expect(reply.status == 200)
            #expect(reply.json?["expires_in"] as? String == "60")
            #expect(Int(reply.json?["expires_on"] as? String ?? "") != nil)
            #expect(reply.json?["resource"] as? String == "https://cognitiveservices.azure.com")
        }
    }

    @Test("API requests without a valid token get Azure's 401; expired tokens too")
    func refused() async throws {
        try await Harness.run(Self.configure) { h in
            let none = try await h.post("/openai/v1/chat/completions", chatBody())
            #expect(none.status == 401)
            #expect(none.json?.object("error")?["code"] as? String == "401")
            let token = try #require(
                try await h.send("/sim-tenant/oauth2/v2.0/token", body: Self.form(Self.grant)).json?[
                    "access_token"]
                    as? String)
            h.simulator.expireTokens()
            let expired = try await h.post(
                "/openai/v1/chat/completions", chatBody(), headers: [("authorization", "Bearer \(token)")])
            #expect(expired.status == 401)
            let counts = try await h.send("/_sim/identity", method: .GET).json
            #expect(counts?["unauthorized"] as? Int == 2)
        }
    }
}
