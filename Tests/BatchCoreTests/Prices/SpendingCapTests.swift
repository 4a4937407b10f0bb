import BatchCore
import Testing

@Suite("spending cap")
struct SpendingCapTests {
    /// $1 per 1,000 input tokens, $2 per 1,000 output tokens: a token of worst case costs $0.002.
    static let price = ModelPrice(live: .init(input: 1000, output: 2000))

    @Test("a request starts only while spent + reserved + its worst case stays within the cap")
    func admits() {
        var cap = SpendingCap(cap: 1.0)
        #expect(cap.admit(line: 1, model: "m", tokens: 200, price: Self.price) == nil)  // $0.40
        #expect(cap.admit(line: 2, model: "m", tokens: 300, price: Self.price) == nil)  // $0.60: exactly $1
        #expect(abs(cap.reserved - 1.0) < 1e-9)
        #expect(
            cap.admit(line: 3, model: "m", tokens: 1, price: Self.price)
                == .overCap(spent: 0, reserved: cap.reserved, worstCase: 0.002))
    }

    @Test("an answer's usage replaces its reservation; what is left lets the next request start")
    func reconciles() {
        var cap = SpendingCap(cap: 1.0)
        _ = cap.admit(line: 1, model: "m", tokens: 400, price: Self.price)  // $0.80 reserved
        #expect(cap.admit(line: 2, model: "m", tokens: 200, price: Self.price) != nil)
        cap.settle(
            line: 1, .answer(usage: TokenUsage(promptTokens: 100, completionTokens: 50), succeeded: true),
            price: Self.price)
        #expect(abs(cap.spent - 0.2) < 1e-9, "100 × $0.001 + 50 × $0.002")
        #expect(cap.reserved == 0)
        #expect(cap.admit(line: 2, model: "m", tokens: 200, price: Self.price) == nil)
    }

    @Test("an HTTP error costs nothing; no answer, or a success without usage, costs its worst case")
    func settlesFailures() {
        var cap = SpendingCap(cap: 10)
        for line in 1...4 { _ = cap.admit(line: line, model: "m", tokens: 100, price: Self.price) }
        cap.settle(line: 1, .answer(usage: nil, succeeded: false), price: Self.price)
        #expect(cap.spent == 0)
        cap.settle(line: 2, .noAnswer, price: Self.price)
        #expect(abs(cap.spent - 0.2) < 1e-9)
        cap.settle(line: 3, .answer(usage: nil, succeeded: true), price: Self.price)
        #expect(abs(cap.spent - 0.4) < 1e-9)
        cap.settle(line: 4, .notSent, price: Self.price)
        #expect(abs(cap.spent - 0.4) < 1e-9)
        cap.settle(line: 4, .noAnswer, price: Self.price)
        #expect(abs(cap.spent - 0.4) < 1e-9, "a line settles once")
    }

    @Test("a model with no price cannot be checked: refused")
    func noPrice() {
        var cap = SpendingCap(cap: 100)
        #expect(cap.admit(line: 1, model: "own", tokens: 1, price: nil) == .noPrice(model: "own"))
        #expect(
            cap.admit(line: 1, model: "own", tokens: 1, price: ModelPrice(live: .init()))
                == .noPrice(model: "own"))
    }
}
