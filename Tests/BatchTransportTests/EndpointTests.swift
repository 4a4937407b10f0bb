import BatchCore
import BatchTransport
import Testing

@Suite("Endpoint URLs")
struct EndpointTests {
    private func azure(_ base: String, version: String = "2024-10-21") -> Endpoint {
        Endpoint(name: "az", flavor: .azure(apiVersion: version), baseURL: base, credential: NoCredential())
    }

    @Test("Azure with a dated api-version uses the deployments form")
    func azureLegacy() throws {
        #expect(
            try azure("https://r.openai.azure.com").url(for: .chatCompletions, model: "gpt-4o")
                == "https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
        )
    }

    @Test(
        "trailing slashes of the base are trimmed",
        arguments: ["https://r.openai.azure.com/", "https://r.openai.azure.com///"])
    func trailingSlash(base: String) throws {
        let endpoint = azure(base)
        #expect(endpoint.baseURL == "https://r.openai.azure.com")
        #expect(
            try endpoint.url(for: .embeddings, model: "emb")
                == "https://r.openai.azure.com/openai/deployments/emb/embeddings?api-version=2024-10-21")
    }

    @Test(
        "the deployment name and api-version are percent-encoded",
        arguments: [
            ("my deployment", "my%20deployment"), ("a:b@c%d", "a%3Ab%40c%25d"), ("dé", "d%C3%A9"),
            ("gpt-4o.mini_v~1", "gpt-4o.mini_v~1"),
        ])
    func percentEncoding(deployment: String, encoded: String) throws {
        #expect(
            try azure("https://r.openai.azure.com", version: "2024 x&y").url(
                for: .chatCompletions, model: deployment)
                == "https://r.openai.azure.com/openai/deployments/\(encoded)/chat/completions?api-version=2024%20x%26y"
        )
    }

    @Test(
        "Azure with a dated api-version sends each operation to the route Azure serves it at",
        arguments: [
            (APIPath.chatCompletions, "deployments/d/chat/completions?api-version=2024-10-21"),
            (.completions, "deployments/d/completions?api-version=2024-10-21"),
            (.embeddings, "deployments/d/embeddings?api-version=2024-10-21"),
            (.audioTranscriptions, "deployments/d/audio/transcriptions?api-version=2024-10-21"),
            (.audioTranslations, "deployments/d/audio/translations?api-version=2024-10-21"),
            (.audioSpeech, "deployments/d/audio/speech?api-version=2024-10-21"),
            (.imagesGenerations, "deployments/d/images/generations?api-version=2024-10-21"),
            (.imagesEdits, "deployments/d/images/edits?api-version=2024-10-21"),
            // Not deployment-routed: Azure has no /openai/deployments/{d}/responses.
            (.responses, "v1/responses"),
            (.moderations, "v1/moderations"),
        ])
    func azureDatedRoutes(path: APIPath, route: String) throws {
        #expect(
            try azure("https://r.openai.azure.com").url(for: path, model: "d")
                == "https://r.openai.azure.com/openai/\(route)")
    }

    @Test(
        "a responses api-version sends Responses to /openai/responses with it",
        arguments: ["2024-10-21", "v1"])
    func responsesAPIVersion(version: String) throws {
        let endpoint = Endpoint(
            name: "az", flavor: .azure(apiVersion: version, responsesAPIVersion: "2025-04-01-preview"),
            baseURL: "https://r.openai.azure.com", credential: NoCredential())
        #expect(
            try endpoint.url(for: .responses, model: "d")
                == "https://r.openai.azure.com/openai/responses?api-version=2025-04-01-preview")
        #expect(
            try endpoint.url(for: .chatCompletions, model: "d").hasSuffix(
                "/chat/completions" + (version == "v1" ? "" : "?api-version=2024-10-21")))
    }

    @Test("Azure v1 uses /openai/v1 without the deployment", arguments: APIPath.allCases)
    func azureV1(path: APIPath) throws {
        #expect(
            try azure("https://r.openai.azure.com/", version: "v1").url(for: path, model: "gpt-4o")
                == "https://r.openai.azure.com/openai/v1/\(path.rawValue)")
    }

    @Test("a base already ending in /openai/v1 is used as is", arguments: ["v1", "2024-10-21", "preview"])
    func baseWithV1(version: String) throws {
        #expect(
            try azure("https://r.openai.azure.com/openai/v1/", version: version).url(
                for: .responses, model: "gpt-4o")
                == "https://r.openai.azure.com/openai/v1/responses")
    }

    @Test("OpenAI appends the operation to the base", arguments: APIPath.allCases)
    func openAI(path: APIPath) throws {
        let endpoint = Endpoint(
            name: "default", flavor: .openAI, baseURL: "https://api.openai.com/v1/",
            credential: NoCredential())
        #expect(
            try endpoint.url(for: path, model: "ignored model")
                == "https://api.openai.com/v1/\(path.rawValue)")
    }

    @Test("OpenAI embeddings URL")
    func openAIEmbeddings() throws {
        let endpoint = Endpoint(
            name: "default", flavor: .openAI, baseURL: "https://api.openai.com/v1", credential: NoCredential()
        )
        #expect(
            try endpoint.url(for: .embeddings, model: "text-embedding-3-small")
                == "https://api.openai.com/v1/embeddings")
    }

    @Test(
        "Azure refuses to put in the path a name no deployment can have",
        arguments: ["../../admin", "a/b", "..", ".", "", "x?y", "x#y", "a\\b", "new\nline", "\u{85}"])
    func refusesImpossibleDeploymentNames(name: String) throws {
        let error = try #require(throws: InvalidDeploymentName.self) {
            try azure("https://r.openai.azure.com").url(for: .chatCompletions, model: name)
        }
        #expect(error.name == name)
        // Where the name stays in the body, nothing reaches the path.
        #expect(
            try azure("https://r.openai.azure.com", version: "v1").url(for: .chatCompletions, model: name)
                == "https://r.openai.azure.com/openai/v1/chat/completions")
    }
}
