import BatchCore
import BatchStore
import Foundation
import Testing

@testable import BatchEngine

/// The report's split of answers between the live API and the Batch API, each at its own price.
@Suite("Report: cost per tier")
struct ReportTierTests {
    let fixture: RunnerFixture

    init() throws {
        fixture = try RunnerFixture()
    }

    static let prices = PriceTable(models: [
        "m": ModelPrice(
            live: .init(input: 1, output: 2), batch: .init(input: 0.5, output: 1)),
        "all-batch": ModelPrice(live: .init(input: 4, output: 8), batch: .init(input: 2, output: 4)),
        "no-batch-price": ModelPrice(live: .init(input: 1, output: 1)),
    ])

    @Test("the batch part of a model's tokens is priced at the batch rates, the rest at the live ones")
    func tiers() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["x"]))
        let usage = [
            ModelUsage(
                model: "m", requests: 10, usage: TokenUsage(promptTokens: 1000, completionTokens: 500)),
            ModelUsage(
                model: "all-batch", requests: 3, usage: TokenUsage(promptTokens: 300, completionTokens: 30)),
            ModelUsage(
                model: "no-batch-price", requests: 1,
                usage: TokenUsage(promptTokens: 10, completionTokens: 10)),
        ]
        let batch = [
            ModelUsage(model: "m", requests: 4, usage: TokenUsage(promptTokens: 400, completionTokens: 200)),
            ModelUsage(
                model: "all-batch", requests: 3, usage: TokenUsage(promptTokens: 300, completionTokens: 30)),
            ModelUsage(
                model: "no-batch-price", requests: 1,
                usage: TokenUsage(promptTokens: 10, completionTokens: 10)),
        ]
        var report = JobReport(job: job, usage: usage)
        report.add(
            stats: RunStats(), usage: usage, prices: Self.prices, batchUsage: batch,
            lines: TierLines(live: 6, batch: 8))

        #expect(report.linesByTier == JobReport.LinesByTier(live: 6, batch: 8))
        let live = try #require(report.cost?["m"])
        #expect(live.tier == "live")
        #expect(abs((live.usd ?? 0) - (600 * 1 + 300 * 2) / 1e6) < 1e-9)
        let batched = try #require(report.batchCost?["m"])
        #expect(batched.tier == "batch")
        #expect(abs((batched.usd ?? 0) - (400 * 0.5 + 200 * 1) / 1e6) < 1e-9)
        #expect(report.batchTokens?["m"]?.requests == 4)
        #expect(report.tokens["m"]?.requests == 10, "tokens stay the total of both tiers")
        #expect(report.cost?["all-batch"] == nil, "no live answers: no live cost")
        #expect(abs((report.batchCost?["all-batch"]?.usd ?? 0) - (300 * 2 + 30 * 4) / 1e6) < 1e-9)
        #expect(report.batchCost?["no-batch-price"]?.usd == nil, "an unknown batch price is no price, not 0")
    }

    @Test("a job with no batch answers has no batch keys and prices everything live")
    func liveOnly() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["x"]))
        let usage = [
            ModelUsage(model: "m", requests: 2, usage: TokenUsage(promptTokens: 100, completionTokens: 50))
        ]
        var report = JobReport(job: job, usage: usage)
        report.add(stats: RunStats(), usage: usage, prices: Self.prices, lines: TierLines(live: 2, batch: 0))
        #expect(report.batchCost == nil && report.batchTokens == nil)
        #expect(abs((report.cost?["m"]?.usd ?? 0) - (100 * 1 + 50 * 2) / 1e6) < 1e-9)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(!json.contains("batch_cost"))
    }
}
