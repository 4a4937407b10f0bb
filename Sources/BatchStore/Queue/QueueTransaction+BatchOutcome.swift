import BatchCore

/// A request's final record: its line is in the results or errors file (see
/// ``QueueTransaction/recordOutcomes(job:_:)``).
public struct RequestOutcome: Sendable, Equatable {
    public var line: Int
    public var state: RequestState
    public var attempts: Int
    public var lastError: String?

    public init(line: Int, state: RequestState, attempts: Int, lastError: String?) {
        self.line = line
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
    }
}

extension QueueTransaction {
    /// How many lines one multi-row `UPDATE` names (far below SQLite's parameter limit).
    static let outcomeBatchLines = 64

    /// Marks `outcomes` recorded, as ``recordOutcome(job:line:state:attempts:lastError:)`` would one
    /// by one (each line once).
    ///
    /// Outcomes that set the same values (nearly all do: succeeded at the first attempt) share one
    /// `UPDATE … WHERE line IN (…)` per ``outcomeBatchLines`` lines, so a commit of a few dozen
    /// answers runs a handful of statements instead of one per answer.
    public func recordOutcomes(job: Int64, _ outcomes: [RequestOutcome]) throws {
        var groups: [OutcomeValues: [Int]] = [:]
        for outcome in outcomes {
            let values = OutcomeValues(
                state: outcome.state, attempts: outcome.attempts, lastError: outcome.lastError)
            groups[values, default: []].append(outcome.line)
        }
        for (values, lines) in groups {
            var start = lines.startIndex
            while start < lines.endIndex {
                let end = min(start + Self.outcomeBatchLines, lines.endIndex)
                try recordOutcomeBatch(job: job, values, lines: lines[start..<end])
                start = end
            }
        }
    }

    private func recordOutcomeBatch(job: Int64, _ values: OutcomeValues, lines: ArraySlice<Int>) throws {
        let sql =
            lines.count == Self.outcomeBatchLines ? Self.fullOutcomeSQL : Self.outcomeSQL(lines: lines.count)
        let statement = try connection.statement(sql)
        try statement.bind(Int(values.state.rawValue), at: 1).bind(values.attempts, at: 2)
            .bind(values.lastError, at: 3).bind(job, at: 4)
        var position: Int32 = 5
        for line in lines {
            try statement.bind(line, at: position)
            position += 1
        }
        try statement.run()
    }

    private static let fullOutcomeSQL = outcomeSQL(lines: outcomeBatchLines)

    /// The multi-row update naming `lines` lines (statements are cached by their text).
    static func outcomeSQL(lines: Int) -> String {
        let placeholders = Array(repeating: "?", count: lines).joined(separator: ", ")
        return
            "UPDATE requests SET state = ?, attempts = ?, last_error = ? WHERE job_id = ? AND line IN (\(placeholders))"
    }
}

/// The values an outcome sets; outcomes with equal values share a statement.
private struct OutcomeValues: Hashable {
    var state: RequestState
    var attempts: Int
    var lastError: String?
}
