import BatchCore
import Testing

@Suite("price table")
struct PriceTableTests {
    static let mini = ModelPrice(
        live: .init(input: 0.15, cachedInput: 0.075, output: 0.6), batch: .init(input: 0.075, output: 0.3),
        date: "2025-08-20", source: "https://example.test/pricing")
    static let table = PriceTable(models: ["gpt-4o-mini": mini])

    @Test("found by name, without case, and without a date suffix")
    func lookup() {
        #expect(Self.table.price(of: "gpt-4o-mini")?.name == "gpt-4o-mini")
        #expect(Self.table.price(of: "GPT-4o-Mini")?.name == "gpt-4o-mini")
        #expect(Self.table.price(of: "gpt-4o-mini-2024-07-18")?.name == "gpt-4o-mini")
        #expect(Self.table.price(of: "gpt-4o-mini-20240718")?.name == "gpt-4o-mini")
        #expect(Self.table.price(of: "gpt-4o") == nil)
        #expect(Self.table.price(of: "gpt-4o-mini-large") == nil)
    }

    @Test("the config's entries add aliases and replace prices")
    func overrides() {
        let own = ModelPrice(live: .init(input: 1, output: 2))
        let table = Self.table.overridden(by: [
            "east-mini": .sameAs("gpt-4o-mini"), "gpt-4o-mini": .price(own), "ft-model": .price(own),
        ])
        #expect(table.price(of: "east-mini")?.price == own, "an alias prices as its model, as overridden")
        #expect(table.price(of: "east-mini")?.name == "gpt-4o-mini")
        #expect(table.price(of: "ft-model")?.price == own)
        #expect(table.price(of: "gpt-4o-mini")?.price.batch == nil, "replaced whole")
        #expect(table.price(of: "dangling") == nil)
        #expect(Self.table.overridden(by: ["x": .sameAs("nothing")]).price(of: "x") == nil)
    }

    @Test("a cost range: the input alone, then every max_tokens used")
    func costRange() throws {
        let tally = TokenTally(lines: 2, inputTokens: 2_000_000, maxOutputTokens: 1_000_000)
        let live = try #require(Self.mini.live.cost(of: tally))
        #expect(abs(live.low - 0.30) < 1e-9)
        #expect(abs(live.high - 0.90) < 1e-9)
        let batch = try #require(Self.mini.batch?.cost(of: tally))
        #expect(abs(batch.low - 0.15) < 1e-9)
        #expect(abs(batch.high - 0.45) < 1e-9)
    }

    @Test("a rate that is missing makes no price, never 0")
    func missingRate() {
        let inputOnly = ModelPrice.Rates(input: 0.02)
        #expect(inputOnly.cost(of: TokenTally(lines: 1, inputTokens: 10, maxOutputTokens: 5)) == nil)
        #expect(inputOnly.cost(of: TokenTally(lines: 1, inputTokens: 10)) != nil)
        #expect(ModelPrice.Rates().cost(of: TokenTally(lines: 1, inputTokens: 10)) == nil)
    }

    @Test("speech is priced per character; audio by the minute has no estimate")
    func audio() throws {
        let speech = ModelPrice.Rates(perMillionCharacters: 15)
        let cost = try #require(
            speech.cost(of: TokenTally(lines: 1, inputTokens: 3, inputCharacters: 1_000_000)))
        #expect(abs(cost.low - 15) < 1e-9)
        let whisper = ModelPrice.Rates(perMinute: 0.006)
        #expect(whisper.cost(of: TokenTally(lines: 3, audioLines: 3)) == CostRange(low: 0, high: 0))
        #expect(ModelPrice.Rates(output: 1).cost(of: TokenTally(lines: 3, audioLines: 3)) == nil)
    }
}
