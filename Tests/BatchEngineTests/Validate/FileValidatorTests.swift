import BatchCore
import BatchEngine
import BatchTesting
import Testing

@Suite("file validator")
struct FileValidatorTests {
    static let prices = PriceTable(models: [
        "gpt-4o-mini": ModelPrice(
            live: .init(input: 0.15, output: 0.6), batch: .init(input: 0.1, output: 0.3), date: "2025-08-20",
            source: "https://example.test")
    ])

    static func chat(_ id: String, model: String = "gpt-4o-mini", maxTokens: Int? = 100) -> String {
        let limit = maxTokens.map { #","max_tokens":\#($0)"# } ?? ""
        return
            #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"0123456789abcdef"}]\#(limit)}}"#
    }

    func validate(_ lines: [String]) throws -> FileValidation {
        let folder = try TemporaryDirectory()
        let path = folder.write("job.jsonl", lines: lines)
        return try FileValidator(parser: BatchLineParser(acceptedPaths: APIPath.supported)).validate(
            path: path)
    }

    @Test(
        "every line parsed: rejects with line and code, duplicates named, the rest counted per url and model")
    func rejectsAndCounts() throws {
        let result = try validate([
            Self.chat("a"), "not json", Self.chat("b", model: "own-model", maxTokens: nil), Self.chat("a"),
            #"{"custom_id":"e","method":"POST","url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":["x","y"]}}"#,
        ])
        #expect(result.lines == 5)
        #expect(result.rejects.map(\.line) == [2, 4])
        #expect(result.rejects.map(\.code) == ["invalid_json_line", "duplicate_custom_id"])
        #expect(result.rejects[1].reason.contains("line 1"))
        #expect(result.groups.map(\.model) == ["gpt-4o-mini", "own-model", "text-embedding-3-small"])
        #expect(result.groups[0].tally == TokenTally(lines: 1, inputTokens: 5, maxOutputTokens: 100))
        #expect(result.groups[1].tally.unboundedLines == 1)
        #expect(result.groups[2].url == "/v1/embeddings")
    }

    @Test("the cost range per model and in total; a model with no price says so and is left out")
    func report() throws {
        let lines = (0..<4).map { Self.chat("c\($0)") } + [Self.chat("x", model: "own-model")]
        let report = ValidationReport([try validate(lines)], names: ["job.jsonl"], prices: Self.prices)
        let mini = try #require(report.models.first { $0.model == "gpt-4o-mini" })
        // 4 × 5 input tokens at $0.15/M = $0.000003; plus 4 × 100 output tokens at $0.60/M = $0.00024;
        // at batch price ($0.10/M and $0.30/M) $0.000002 and $0.00012.
        #expect(mini.live == CostRange(low: 0.000003, high: 0.000243))
        #expect(mini.batch == CostRange(low: 0.000002, high: 0.000122))
        let own = try #require(report.models.first { $0.model == "own-model" })
        #expect(own.live == nil && own.batch == nil && own.pricedAs == nil)
        #expect(report.total.live == mini.live)
        #expect(report.total.unpricedModels == ["own-model"])
        #expect(!report.hasRejects)
    }

    @Test("the provider limits a file crosses")
    func limits() throws {
        var facts = ProviderLimits.Facts()
        facts.requests = 60_000
        facts.bytes = 300_000_000
        facts.overlongEmbeddings = (2, 17)
        let codes = ProviderLimits.crossed(facts).map(\.code)
        #expect(codes == ["openai_batch_requests", "batch_file_bytes", "embedding_inputs"])
        facts.requests = 100_001
        #expect(ProviderLimits.crossed(facts).map(\.code).contains("azure_batch_requests"))
        #expect(ProviderLimits.crossed(ProviderLimits.Facts()).isEmpty)
    }

    @Test("an embeddings request over 2,048 inputs, and audio the Batch API does not run, are found by line")
    func perRequestLimits() throws {
        let inputs = (0..<2049).map { "\"t\($0)\"" }.joined(separator: ",")
        let result = try validate([
            Self.chat("a"),
            #"{"custom_id":"e","method":"POST","url":"/v1/embeddings","body":{"model":"m","input":[\#(inputs)]}}"#,
        ])
        #expect(result.facts.overlongEmbeddings?.firstLine == 2)
        #expect(result.facts.overlongEmbeddings?.count == 1)
        #expect(result.facts.unbatchable == nil)
    }
}
