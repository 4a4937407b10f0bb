import BatchCore
import BatchStore

/// A job's spending cap in its dispatch loop: asks ``SpendingCap`` before each request starts and
/// settles each one that comes back, pricing models from the run's price table.
///
/// Owned by the dispatch loop (one task): not thread-safe, no lock needed.
final class SpendGate {
    private let jobID: Int64
    private let prices: PriceTable
    private var cap: SpendingCap
    private var priceCache: [String: ModelPrice?] = [:]

    /// A gate for job `jobID` capped at `maxCost` dollars, with `usage` (what its earlier runs'
    /// answers reported) already spent.
    init(jobID: Int64, maxCost: Double, prices: PriceTable, usage: [ModelUsage]) {
        self.jobID = jobID
        self.prices = prices
        var spent = 0.0
        for model in usage {
            let price = prices.price(of: model.model)?.price
            // A model with no price cannot have run under a cap; if it did (the cap set later), its
            // tokens count at nothing rather than stop the job for good.
            spent += SpendingCap.cost(model.usage, price: price) ?? 0
        }
        cap = SpendingCap(cap: maxCost, spent: spent)
    }

    /// US dollars reconciled so far.
    var spent: Double { cap.spent }

    private func price(_ model: String) -> ModelPrice? {
        if let known = priceCache[model] { return known }
        let found = prices.price(of: model)?.price
        priceCache[model] = found
        return found
    }

    /// `nil` when `item` may start (its worst case is now reserved), else why the job must stop.
    /// A pack is reserved under its first line, for the sum of its lines' estimates.
    func admit(_ item: DispatchItem) -> BatchdError? {
        let model = item.request.model
        switch cap.admit(line: item.request.line, model: model, tokens: item.cost, price: price(model))
        {
        case nil:
            return nil
        case .noPrice(let model):
            return .budgetUnpriced(jobID, model: model)
        case .overCap(let spent, let reserved, let worst):
            return .budgetReached(jobID, cap: cap.cap, spent: spent, reserved: reserved, next: worst)
        }
    }

    /// Releases `item`'s reservation and adds what its attempt cost.
    func settle(_ item: DispatchItem, _ result: RequestSender.Result) {
        let returned: SpendingCap.Return
        switch result {
        case .cancelled, .inputModified, .authFailed:
            returned = .notSent
        case .attempt(.answer(let answer)), .packed(.answer(let answer), _):
            returned = .answer(usage: answer.usage, succeeded: answer.isSuccess)
        case .attempt(.failure(let failure)), .packed(.failure(let failure), _):
            returned = failure.kind == .unreachable ? .notSent : .noAnswer
        }
        cap.settle(line: item.request.line, returned, price: price(item.request.model))
    }
}
