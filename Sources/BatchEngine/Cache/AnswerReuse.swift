import BatchCore
import BatchStore
import DequeModule

/// Within one run, which cacheable lines are sent and which reuse another's answer: a state
/// machine without I/O, fed by the dispatch loop (``DispatchLoop+Cache``) and the recorder.
///
/// Rules:
/// - The first line of a key that is neither answered nor on its way *leads*: it is sent, and its
///   2xx answer becomes the cache entry of its key (``OutcomeRecorder``).
/// - A later line of the same key *follows* while its leader is on its way (queued, in flight or
///   waiting for a retry): it is held back, and gets its own output line from the leader's answer
///   when it comes. It is never sent.
/// - A leader whose outcome is a failure releases its followers: errors are never reused, so each
///   is sent on its own (``takeReleased()``).
/// - A leader's answer is kept in memory (up to ``memoryBudget`` bytes, oldest dropped first)
///   until it is surely committed, so a line of its key loaded meanwhile reuses it too; after the
///   commit the store has it.
/// - A leader left pending by a stop (drain, pause) keeps its followers pending too: nothing is
///   recorded for either, and the next run decides again.
public final class AnswerReuse {
    /// Leaders on their way: input line → key, and key → the lines that follow it.
    private var leaderKeys: [Int: Int64] = [:]
    private var followers: [Int64: [DispatchItem]] = [:]
    private var leading: Set<Int64> = []
    private var answered: [Int64: [UInt8]] = [:]
    private var answeredOrder = Deque<Int64>()
    private var answeredBytes = 0
    private var released: [DispatchItem] = []
    /// Bytes of answers kept for lines loaded before their leader's commit.
    public var memoryBudget = 16 << 20

    public init() {}

    /// What becomes of a cacheable line of `key`.
    public enum Admission: Equatable {
        /// Send it: its answer will be cached.
        case lead
        /// Held back until its leader's answer.
        case follow
        /// Answered already in this run: the leader's results line.
        case reuse([UInt8])
    }

    /// Decides for `item`, of `key`, found in no store entry.
    public func admit(_ item: DispatchItem, key: Int64) -> Admission {
        if let line = answered[key] { return .reuse(line) }
        if leading.contains(key) {
            followers[key, default: []].append(item)
            return .follow
        }
        leading.insert(key)
        leaderKeys[item.request.line] = key
        return .lead
    }

    /// The key of `line` if it leads one.
    func key(leading line: Int) -> Int64? { leaderKeys[line] }

    /// `line`'s 2xx answer is `output`: returns its key and the lines that followed it.
    @discardableResult
    public func noteAnswered(line: Int, output: [UInt8]) -> (key: Int64, followers: [DispatchItem])? {
        guard let key = leaderKeys.removeValue(forKey: line) else { return nil }
        leading.remove(key)
        remember(key, output)
        return (key, followers.removeValue(forKey: key) ?? [])
    }

    /// `line`'s outcome is a failure: its followers are released, to be sent on their own.
    public func noteFailed(line: Int) {
        guard let key = leaderKeys.removeValue(forKey: line) else { return }
        leading.remove(key)
        released.append(contentsOf: followers.removeValue(forKey: key) ?? [])
    }

    /// `item` is sent on its own after all (its leader's answer could not be reused).
    func release(_ item: DispatchItem) {
        released.append(item)
    }

    /// Followers released since the last call, in line order.
    public func takeReleased() -> [DispatchItem] {
        defer { released = [] }
        return released.sorted { $0.request.line < $1.request.line }
    }

    /// Lines held back behind a leader.
    public var heldBack: Int { followers.values.reduce(0) { $0 + $1.count } }

    private func remember(_ key: Int64, _ output: [UInt8]) {
        guard output.count <= memoryBudget else { return }
        if let old = answered.updateValue(output, forKey: key) {
            answeredBytes -= old.count
        } else {
            answeredOrder.append(key)
        }
        answeredBytes += output.count
        while answeredBytes > memoryBudget, let oldest = answeredOrder.popFirst() {
            answeredBytes -= answered.removeValue(forKey: oldest)?.count ?? 0
        }
    }
}
