import BatchCore
import BatchEngine
import BatchStore
import Testing

@Suite("DispatchState: packing embedding lines")
struct DispatchStatePackingTests {
    static let now = Timestamp(milliseconds: 1_000_000)
    static let lane = LaneKey(endpoint: "e", model: "text-embedding-3-small")

    static func line(_ number: Int, key: UInt64 = 1, inputs: Int = 1, cost: Int = 30) -> DispatchItem {
        var item = DispatchItem(
            request: PendingRequest(
                line: number, offset: Int64(number * 10), length: 9, customID: "c\(number)",
                path: "embeddings",
                model: lane.model, attempts: 0, nextAttemptAt: Timestamp(milliseconds: 0), cost: cost),
            lane: lane)
        item.packing = DispatchItem.Packing(key: key, inputs: inputs)
        return item
    }

    static func state(pack: Int, concurrency: Int = 10, tpm: Int? = nil) -> DispatchState {
        DispatchState(lowWatermark: 10_000, packLimit: { _ in pack }) { _ in
            LaneSettings(concurrency: concurrency, tpm: tpm)
        }
    }

    /// The next request; fails the test when there is none.
    static func next(_ state: inout DispatchState) throws -> DispatchItem {
        let item = state.next(now: now)
        return try #require(item)
    }

    static func drain(_ state: inout DispatchState) -> [DispatchItem] {
        var items: [DispatchItem] = []
        while let item = state.next(now: now) { items.append(item) }
        return items
    }

    @Test("lines with equal keys are packed in order up to the inputs per request; a pack is one slot")
    func inputsPerRequest() {
        var state = Self.state(pack: 4)
        state.load((1...10).map { Self.line($0) }, now: Self.now)
        let sent = Self.drain(&state)
        #expect(sent.map(\.lineCount) == [4, 4, 2])
        #expect(sent[0].members.map(\.request.line) == [1, 2, 3, 4])
        #expect(sent[0].cost == 120)
        #expect(state.inFlight == 3 && state.inFlightLines == 10)
        #expect(state.lanes.quota(Self.lane)?.inFlight == 3)
    }

    @Test(
        "a line holding several inputs packs as its slice; a different key or a line that cannot pack ends a pack"
    )
    func keysAndSlices() {
        var state = Self.state(pack: 5)
        var alone = Self.line(9)
        alone.packing = nil
        state.load(
            [
                Self.line(1, inputs: 3), Self.line(2, inputs: 2), Self.line(3, inputs: 1),
                Self.line(4, key: 2), alone,
            ],
            now: Self.now)
        let sent = Self.drain(&state)
        #expect(sent.map { $0.members.map(\.request.line) } == [[1, 2], [], [], []])
        #expect(sent.map(\.request.line) == [1, 3, 4, 9])
        #expect(sent[0].inputCount == 5)
    }

    @Test("when TPM binds, packs shrink to what the lane's token bucket holds")
    func tokenBucketBounds() throws {
        // 6,000 TPM at 99 %: 99 tokens a second, a bucket of 99; lines of 30 tokens pack by 3.
        var state = Self.state(pack: 512, tpm: 6000)
        state.load((1...10).map { Self.line($0) }, now: Self.now)
        let first = try Self.next(&state)
        #expect(first.lineCount == 3)
        #expect(first.cost <= 99)
    }

    @Test("a bisected pack goes back as two halves ahead of the queue; a line alone is never packed again")
    func bisection() throws {
        var state = Self.state(pack: 4, concurrency: 1)
        state.load((1...6).map { Self.line($0) }, now: Self.now)
        let pack = try Self.next(&state)
        #expect(pack.lineCount == 4)
        state.bisect(pack, now: Self.now)
        #expect(state.inFlight == 0)
        let firstHalf = try Self.next(&state)
        #expect(firstHalf.members.map(\.request.line) == [1, 2])
        state.bisect(firstHalf, now: Self.now)
        let alone = try Self.next(&state)
        #expect(!alone.isPack && alone.request.line == 1, "sent alone, not packed with line 2")
        state.finished(alone, now: Self.now)
        let two = try Self.next(&state)
        #expect(!two.isPack && two.request.line == 2)
        state.finished(two, now: Self.now)
        #expect(try Self.next(&state).members.map(\.request.line) == [3, 4])
    }

    @Test("the answer bytes in flight stay within the budget; what an input's answer takes is learned")
    func answerBudget() throws {
        var state = Self.state(pack: 2048)
        state.load((1...5000).map { Self.line($0, cost: 1) }, now: Self.now)
        // At first an input's answer is taken to be a 3,072-dimension float vector's, 43,008 bytes:
        // a 32 MiB budget holds 780 of them.
        let first = try Self.next(&state)
        #expect(first.inputCount == 780)
        let second = state.next(now: Self.now)
        #expect(second == nil, "no second pack while the first's answer is expected")
        state.learnAnswerSize(bytes: 780 * 100, inputs: 780)
        state.answered(first, succeeded: true, now: Self.now)
        #expect(state.awaitingCommit == 780, "a pack's lines await their commit line by line")
        let next = Self.drain(&state)
        #expect(next.map(\.inputCount) == [2048, 2048, 124])
    }
}
