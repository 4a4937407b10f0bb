import BatchCore

/// What lanes learned of their servers' limits, kept across processes (``LearnedBudget``). A
/// server is named by its base URL (never a key); each method is one transaction.
extension Store {
    /// The budget learned for `model` on `server` if it is fresh at `now`
    /// (``LearnedBudget/isFresh(now:)``), else nil.
    public func learnedBudget(server: String, model: String, now: Timestamp) async throws -> LearnedBudget? {
        try await reading { tx in
            try tx.learnedBudget(server: server, model: model).flatMap { $0.isFresh(now: now) ? $0 : nil }
        }
    }

    /// Saves what the lane of `model` on `server` learned, replacing the earlier save.
    public func saveLearnedBudget(_ budget: LearnedBudget, server: String, model: String) async throws {
        try await writing { try $0.saveLearnedBudget(budget, server: server, model: model) }
    }
}
