import BatchCore
import Testing

@testable import BatchTransport

@Suite("Batch API URLs")
struct EndpointBatchAPITests {
    static func endpoint(_ flavor: Endpoint.Flavor, _ base: String) -> Endpoint {
        Endpoint(name: "e", flavor: flavor, baseURL: base, credential: NoCredential())
    }

    @Test("files and batches URLs and line urls in the three forms")
    func forms() {
        let openAI = Self.endpoint(.openAI, "https://api.openai.com/v1/")
        #expect(openAI.batchAPIURL("files") == "https://api.openai.com/v1/files")
        #expect(
            openAI.batchAPIURL("batches", query: "limit=100") == "https://api.openai.com/v1/batches?limit=100"
        )
        #expect(openAI.batchLineURL(for: .chatCompletions) == "/v1/chat/completions")

        let v1 = Self.endpoint(.azure(apiVersion: "v1"), "https://r.openai.azure.com")
        #expect(
            v1.batchAPIURL("batches/b1/cancel") == "https://r.openai.azure.com/openai/v1/batches/b1/cancel")
        #expect(v1.batchLineURL(for: .responses) == "/v1/responses")

        let dated = Self.endpoint(.azure(apiVersion: "2025-04-01-preview"), "https://r.openai.azure.com")
        #expect(
            dated.batchAPIURL("batches", query: "after=b9")
                == "https://r.openai.azure.com/openai/batches?api-version=2025-04-01-preview&after=b9")
        #expect(
            dated.batchAPIURL("files/f1/content")
                == "https://r.openai.azure.com/openai/files/f1/content?api-version=2025-04-01-preview")
        #expect(dated.batchLineURL(for: .chatCompletions) == "/chat/completions")

        let v1Base = Self.endpoint(.azure(apiVersion: "2024-10-21"), "https://r.openai.azure.com/openai/v1")
        #expect(v1Base.batchAPIURL("files") == "https://r.openai.azure.com/openai/v1/files")
        #expect(v1Base.batchLineURL(for: .chatCompletions) == "/v1/chat/completions")
    }

    @Test("what each Batch API takes: no audio anywhere, no embeddings on Azure")
    func takes() {
        let openAI = Self.endpoint(.openAI, "https://api.openai.com/v1")
        let azure = Self.endpoint(.azure(apiVersion: "v1"), "https://r.openai.azure.com")
        #expect(openAI.batchAPITakes(.embeddings))
        #expect(openAI.batchAPITakes(.chatCompletions))
        #expect(!openAI.batchAPITakes(.audioTranscriptions))
        #expect(!openAI.batchAPITakes(.imagesEdits))
        #expect(azure.batchAPITakes(.chatCompletions))
        #expect(!azure.batchAPITakes(.embeddings))
        #expect(!azure.batchAPITakes(.audioTranscriptions))
        #expect(openAI.batchAPIMaxLines == 50_000 && azure.batchAPIMaxLines == 100_000)
    }
}
