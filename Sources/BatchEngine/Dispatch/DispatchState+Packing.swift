import BatchCore
import BatchStore
import DequeModule

/// Packing embedding lines into requests, and the budget of answer bytes in flight.
///
/// Rules (all decided when a request is about to start, so they follow what the lane knows now):
/// - A pack is the run of lines at the head of a lane's queue whose ``DispatchItem/Packing/key``s
///   are equal (bodies equal apart from `input`), in line order, as long as it holds at most the
///   lane's inputs per request (`embedding_inputs_per_request`, ≤ 2,048) and at most
///   ``maximumPackTokens`` estimated tokens, and no more than the lane's TPM bucket holds: a pack
///   never asks the bucket for more than it can hold, so packs shrink when TPM binds.
/// - A pack waiting to be sent again (a retry, or half of a bisected pack) that no longer fits the
///   bucket is split in halves until it fits or is one line.
/// - **Memory**: an embedding request may start only while the answer bytes expected of the
///   requests in flight stay within ``PackingState/answerBudget`` (one request may always be in
///   flight). The bytes an input's answer takes are learned from each answer (at first: those of
///   a 3,072-dimension float vector), and no pack holds more inputs than the budget allows.
extension DispatchState {
    /// The providers' cap on the tokens of one embeddings request.
    public static let maximumPackTokens = 300_000

    /// What the next request of a lane would be.
    struct Candidate {
        /// How many entries of the lane's queue it takes.
        var entries: Int
        var cost: Int
        var inputs: Int
        /// Whether it is an embeddings request (its answer counts against the budget).
        var embeds: Bool
        var answerEstimate: Int
    }

    /// The next request of `key`'s queue: its head, or the pack that starts there.
    func candidate(in key: LaneKey) -> Candidate? {
        guard let queue = queues[key], let head = queue.first else { return nil }
        let embeds = head.isPack || head.packing != nil
        var result = Candidate(
            entries: 1, cost: head.cost, inputs: head.inputCount, embeds: embeds, answerEstimate: 0)
        if let packing = head.packing, !head.isPack, let limit = self.packing.inputLimit[key], limit > 1 {
            let byMemory = max(1, self.packing.answerBudget / self.packing.answerBytesPerInput)
            let inputCap = min(limit, byMemory)
            let tokenCap = tokenCap(key)
            var index = queue.index(after: queue.startIndex)
            while index < queue.endIndex {
                let next = queue[index]
                guard !next.isPack, let more = next.packing, more.key == packing.key,
                    result.inputs + more.inputs <= inputCap, result.cost + next.request.cost <= tokenCap
                else { break }
                result.entries += 1
                result.cost += next.request.cost
                result.inputs += more.inputs
                index = queue.index(after: index)
            }
        }
        if embeds { result.answerEstimate = result.inputs * self.packing.answerBytesPerInput }
        return result
    }

    /// The most tokens one request of `key` may ask for: the providers' cap, or less when the
    /// lane's TPM bucket holds less.
    func tokenCap(_ key: LaneKey) -> Int {
        guard let capacity = lanes.quota(key)?.budget.tokens?.capacity, capacity.isFinite else {
            return Self.maximumPackTokens
        }
        return max(1, min(Self.maximumPackTokens, Int(capacity)))
    }

    /// Whether the answer budget lets `candidate` start now.
    func answerBudgetAdmits(_ candidate: Candidate) -> Bool {
        guard candidate.embeds, packing.answerBytesInFlight > 0 else { return true }
        return packing.answerBytesInFlight + candidate.answerEstimate <= packing.answerBudget
    }

    /// Removes `candidate`'s entries from the head of `key`'s queue and returns the request.
    mutating func take(_ candidate: Candidate, from key: LaneKey) -> DispatchItem {
        readyCount -= candidate.entries
        if candidate.entries == 1 { return queues[key]!.removeFirst() }
        let members = Array(queues[key]!.prefix(candidate.entries))
        queues[key]!.removeFirst(candidate.entries)
        return DispatchItem(pack: members)
    }

    /// Splits a pack at the head of `key`'s queue in halves while it asks for more tokens than the
    /// lane may give one request.
    mutating func shrinkHeadPack(in key: LaneKey) {
        while let head = queues[key]?.first, head.isPack, head.cost > tokenCap(key) {
            queues[key]!.removeFirst()
            readyCount -= 1
            for half in Self.halves(of: head).reversed() {
                queues[key]!.prepend(half)
                readyCount += 1
            }
        }
    }

    /// A pack answered 400, 413 or 422 is split in halves, sent again at once (ahead of the lane's
    /// queue), so that each bad line ends up alone with its own answer: k bad lines of n cost
    /// at most about 2·k·log2(n) extra requests. Frees the pack's slot; records nothing.
    public mutating func bisect(_ pack: DispatchItem, now: Timestamp) {
        precondition(pack.isPack, "only a pack is bisected")
        finished(pack, succeeded: false, now: now)
        guard !draining, stopReason == nil else { return }
        for half in Self.halves(of: pack).reversed() {
            queues[pack.lane, default: []].prepend(half)
            readyCount += 1
        }
    }

    /// A pack's answer of `bytes` for `inputs` inputs: how many bytes an input's answer takes.
    public mutating func learnAnswerSize(bytes: Int, inputs: Int) {
        guard inputs > 0 else { return }
        packing.answerBytesPerInput = max(16, bytes / inputs)
    }

    /// The two halves of a pack, each a pack again or, of one line, that line alone: never packed
    /// again (a line bisected out of a pack may be the bad one, and must be sent alone).
    static func halves(of pack: DispatchItem) -> [DispatchItem] {
        let middle = pack.members.count / 2
        return [pack.members[..<middle], pack.members[middle...]].map { part in
            guard part.count == 1 else { return DispatchItem(pack: Array(part)) }
            var alone = part.first!
            alone.packing = nil
            return alone
        }
    }
}

/// The packing side of a job's dispatch state.
struct PackingState: Sendable {
    /// Inputs per request at most, per lane (1: no packing).
    var inputLimit: [LaneKey: Int] = [:]
    /// The most answer bytes expected in flight at once (one request may always be in flight).
    var answerBudget = PackingState.defaultAnswerBudget
    var answerBytesInFlight = 0
    /// Learned from answers; at first a 3,072-dimension float vector's (about 14 bytes a float).
    var answerBytesPerInput = 3072 * 14

    /// 32 MiB: one 512-input answer of 3,072 dimensions (about 20 MB) at a time, three of 1,536.
    static let defaultAnswerBudget = 32 << 20
}
