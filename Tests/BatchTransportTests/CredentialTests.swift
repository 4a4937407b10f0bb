import BatchCore
import BatchTransport
import Testing

@Suite("Credentials")
struct CredentialTests {
    let key = "sk-test-5f3a9c0e1b7d4"

    @Test("Azure style sends only the api-key header")
    func apiKeyHeader() async throws {
        let headers = try await APIKeyCredential(key: key, style: .apiKeyHeader).authenticationHeaders()
        #expect(headers["api-key"] == key)
        #expect(headers["Authorization"] == nil)
        #expect(headers.fields.count == 1)
    }

    @Test("bearer style sends only Authorization: Bearer")
    func bearer() async throws {
        let headers = try await APIKeyCredential(key: key, style: .bearer).authenticationHeaders()
        #expect(headers["authorization"] == "Bearer \(key)")
        #expect(headers["api-key"] == nil)
        #expect(headers.fields.count == 1)
    }

    @Test("no credential sends no header")
    func none() async throws {
        #expect(try await NoCredential().authenticationHeaders().fields.isEmpty)
    }

    @Test(
        "descriptions never contain the key",
        arguments: [APIKeyCredential.Style.apiKeyHeader, .bearer])
    func redacted(style: APIKeyCredential.Style) {
        let credential = APIKeyCredential(key: key, style: style)
        let endpoint = Endpoint(
            name: "e", flavor: .azure(apiVersion: "v1"), baseURL: "https://r.openai.azure.com",
            credential: credential)
        for text in [
            credential.description, "\(credential)", String(reflecting: credential), endpoint.description,
            "\(endpoint)", String(describing: endpoint.credential),
        ] {
            #expect(!text.contains(key))
            #expect(!text.contains("5f3a9c"))
        }
        #expect(credential.description.contains(style.rawValue))
    }
}
