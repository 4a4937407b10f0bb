import BatchCore
import BatchPrices
import Foundation
import Testing

/// The price table shipped in the repository (`Sources/BatchPrices/prices.json`).
@Suite("shipped prices")
struct ShippedPricesTests {
    @Test("the table decodes, in US dollars, with every entry dated and sourced")
    func everyEntryIsDatedAndSourced() throws {
        let file = try ShippedPrices.decode()
        #expect(file.currency == "USD")
        #expect(ShippedPrices.table.models.count == file.models.count)
        for (model, price) in file.models {
            let date = try #require(price.date, "\(model) has a date")
            #expect(date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil, "\(model): \(date)")
            let source = try #require(price.source, "\(model) has a source")
            #expect(source.hasPrefix("https://"), "\(model): \(source)")
        }
    }

    @Test(
        "the common OpenAI and Azure OpenAI chat, embedding and audio models are priced",
        arguments: [
            "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini", "o3", "o4-mini",
            "gpt-35-turbo", "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002",
            "whisper-1", "tts-1", "gpt-4o-transcribe",
        ])
    func commonModelsArePriced(model: String) throws {
        let price = try #require(ShippedPrices.table.price(of: model)?.price)
        let live = price.live
        #expect(live.input != nil || live.perMinute != nil || live.perMillionCharacters != nil)
    }

    @Test("a batch price is never above the live one, and no rate is negative")
    func batchIsCheaper() throws {
        for (model, price) in ShippedPrices.table.models {
            for rates in [price.live, price.batch].compactMap({ $0 }) {
                for value in [rates.input, rates.cachedInput, rates.output].compactMap({ $0 }) {
                    #expect(value >= 0, "\(model)")
                }
            }
            guard let batch = price.batch else { continue }
            if let input = batch.input, let live = price.live.input { #expect(input <= live, "\(model)") }
            if let output = batch.output, let live = price.live.output { #expect(output <= live, "\(model)") }
        }
    }

    @Test("a model that is not in the table has no price, not a price of 0")
    func unknownModel() {
        #expect(ShippedPrices.table.price(of: "my-own-finetune") == nil)
    }
}
