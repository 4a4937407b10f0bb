import BatchCore
import BatchStore
import Testing

@testable import BatchEngine

@Suite("DispatchState")
struct DispatchStateTests {
    static let now = Timestamp(milliseconds: 1_000_000)
    static let laneA = LaneKey(endpoint: "e", model: "a")
    static let laneB = LaneKey(endpoint: "e", model: "b")

    static func item(_ line: Int, _ lane: LaneKey = laneA, due: Timestamp = Timestamp(milliseconds: 0))
        -> DispatchItem
    {
        DispatchItem(
            request: PendingRequest(
                line: line, offset: Int64(line * 10), length: 9, customID: "c\(line)",
                path: "chat/completions",
                model: lane.model, attempts: 0, nextAttemptAt: due),
            lane: lane)
    }

    static func state(concurrency: Int = 10, lowWatermark: Int = 100) -> DispatchState {
        DispatchState(lowWatermark: lowWatermark) { _ in concurrency }
    }

    /// Takes every item sendable now.
    static func drainReady(_ state: inout DispatchState, at now: Timestamp = now) -> [DispatchItem] {
        var items: [DispatchItem] = []
        while let item = state.next(now: now) { items.append(item) }
        return items
    }

    @Test("answers may wait for the next budget wakeup only while every queued lane waits on time")
    func answersMayWait() {
        func paced(concurrency: Int, items: Int) -> (DispatchState, sent: [DispatchItem]) {
            var state = DispatchState(lowWatermark: 10) { _ in
                LaneSettings(concurrency: concurrency, rpm: 6_000)
            }
            state.load((1...items).map { Self.item($0) }, now: Self.now)
            let sent = Self.drainReady(&state)
            return (state, sent)
        }
        // 100 a second: the budget, not the window, holds the lane once its bucket is spent.
        var (state, sent) = paced(concurrency: 1_000, items: 300)
        #expect(sent.count < 300 && state.readyCount > 0)
        #expect(state.answersMayWait(now: Self.now, within: .seconds(1)))
        #expect(!state.answersMayWait(now: Self.now, within: .zero), "the wakeup is later than that")
        state.drain()
        #expect(!state.answersMayWait(now: Self.now, within: .seconds(1)), "draining: every answer counts")
        // The window holds the lane: a freed slot starts the next request, so answers wake the loop.
        let (full, fullSent) = paced(concurrency: sent.count, items: 300)
        #expect(fullSent.count == sent.count && full.lanes.isFull(Self.laneA))
        #expect(!full.answersMayWait(now: Self.now, within: .seconds(1)))
        // Nothing queued: the last answers end the run.
        let (tail, _) = paced(concurrency: 1_000, items: sent.count)
        #expect(tail.readyCount == 0 && !tail.answersMayWait(now: Self.now, within: .seconds(1)))
    }

    @Test("a paced lane wakes once per pacing slack and starts what its budget refilled together")
    func pacedWakeupsCoalesce() {
        func paced(slack: Duration) -> DispatchState {
            var state = DispatchState(lowWatermark: 10) { _ in
                LaneSettings(concurrency: 1_000, rpm: 6_000)
            }
            state.pacingSlack = slack
            state.load((1...300).map { Self.item($0) }, now: Self.now)
            _ = Self.drainReady(&state)  // the bucket's worth
            return state
        }
        // 100 a second: without slack the lane wakes for the next request, about 10 ms on.
        let eager = paced(slack: .zero)
        let soonest = eager.nextWakeup(now: Self.now)
        let eagerWait = soonest.map { $0.milliseconds - Self.now.milliseconds }
        #expect(eagerWait.map { (1...20).contains($0) } == true, "a request's time, not 100 ms")
        // With the loop's slack (200 ms) it wakes 200 ms later and starts the twenty refilled meanwhile.
        var state = paced(slack: DispatchLoop.pacingSlack)
        let later = Self.now.advanced(by: .milliseconds(200))
        #expect(state.nextWakeup(now: Self.now) == later)
        let started = Self.drainReady(&state, at: later)
        #expect((19...20).contains(started.count), "a fifth of a second's worth, \(started.count)")
        #expect(state.readyCount > 0, "the rest waits for later wakeups")
    }

    @Test("lanes are served round-robin")
    func roundRobin() {
        var state = Self.state()
        state.load(
            [1, 2, 3].map { Self.item($0, Self.laneA) } + [4, 5, 6].map { Self.item($0, Self.laneB) },
            now: Self.now)
        let sent = Self.drainReady(&state)
        #expect(sent.map(\.request.line) == [1, 4, 2, 5, 3, 6])
        #expect(state.inFlight == 6)
        #expect(state.loadedThroughLine == 6)
    }

    @Test("a lane never has more than its concurrency in flight", arguments: [1, 2, 3])
    func concurrencyCap(cap: Int) {
        var state = Self.state(concurrency: cap)
        state.load((1...6).map { Self.item($0) }, now: Self.now)
        let first = Self.drainReady(&state)
        #expect(first.map(\.request.line) == Array(1...cap))
        #expect(state.lanes.quota(Self.laneA)?.inFlight == cap)
        state.finished(first[0], now: Self.now)
        #expect(Self.drainReady(&state).map(\.request.line) == [cap + 1])
    }

    @Test("an answered request frees its slot at once and awaits its commit")
    func answeredFreesTheSlot() {
        var state = Self.state(concurrency: 2)
        state.load((1...6).map { Self.item($0) }, now: Self.now)
        let first = Self.drainReady(&state)
        #expect(first.map(\.request.line) == [1, 2])
        state.answered(first[0], succeeded: true, now: Self.now)
        #expect(state.inFlight == 1)
        #expect(state.awaitingCommit == 1)
        #expect(state.lanes.quota(Self.laneA)?.inFlight == 1)
        #expect(
            Self.drainReady(&state).map(\.request.line) == [3], "the freed slot is used before any commit")
        state.recorded(1)
        #expect(state.awaitingCommit == 0)
    }

    @Test("requests on the wire and awaiting their commit never exceed twice the lanes' concurrency")
    func unrecordedLimit() {
        var state = Self.state(concurrency: 2)
        state.load((1...6).map { Self.item($0) } + (7...12).map { Self.item($0, Self.laneB) }, now: Self.now)
        #expect(state.unrecordedLimit == 8, "two lanes of two slots each, twice")
        for _ in 0..<2 {
            for item in Self.drainReady(&state) { state.answered(item, succeeded: true, now: Self.now) }
        }
        #expect(state.inFlight == 0)
        #expect(state.awaitingCommit == 8)
        #expect(Self.drainReady(&state).isEmpty, "every slot is free, but eight answers wait for a commit")
        state.recorded(3)
        let sent = Self.drainReady(&state)
        #expect(sent.count == 3, "one request per recorded answer, though four slots are free")
        #expect(state.inFlight + state.awaitingCommit == 8)
        state.recorded(5)
        #expect(Self.drainReady(&state).count == 1, "the free slot; the other three are taken")
    }

    @Test("a throttled retry pauses its whole lane until due; the other lane still sends")
    func throttledPause() {
        var state = Self.state(concurrency: 1)
        state.load(
            [
                Self.item(1, Self.laneA), Self.item(2, Self.laneA), Self.item(3, Self.laneB),
                Self.item(4, Self.laneB),
            ], now: Self.now)
        let sent = Self.drainReady(&state)
        #expect(sent.map(\.request.line) == [1, 3])
        var retried = sent[0]
        retried.due = Self.now.advanced(by: .seconds(2))
        state.retry(retried, pauseLane: true, now: Self.now)
        #expect(state.lanes.quota(Self.laneA)?.pausedUntil == retried.due)
        #expect(state.lanes.quota(Self.laneA)?.wakeup(cost: 0, now: Self.now) == retried.due)
        #expect(state.next(now: Self.now) == nil)
        state.finished(sent[1], now: Self.now)
        #expect(Self.drainReady(&state).map(\.request.line) == [4])
        #expect(state.nextWakeup(now: Self.now) == retried.due)
        let almost = Timestamp(milliseconds: retried.due.milliseconds - 1)
        #expect(state.next(now: almost) == nil)
        let resumed = Self.drainReady(&state, at: retried.due)
        #expect(resumed.map(\.request.line) == [2])
        #expect(resumed.map(\.lane) == [Self.laneA])
    }

    @Test("a capacity 429 delays its request alone; a quota 429 pauses the lane")
    func throttledCauses() {
        var state = Self.state(concurrency: 4)
        state.load([Self.item(1), Self.item(2), Self.item(3)], now: Self.now)
        var sent = Self.drainReady(&state)
        #expect(sent.count == 3)
        sent[0].due = Self.now.advanced(by: .seconds(1))
        let capacity = state.throttled(
            sent[0], signal: ThrottleSignal(headers: RateLimitHeaders(), bodySaysCapacity: true),
            now: Self.now)
        #expect(capacity == .capacity(.wording))
        #expect(state.lanes.quota(Self.laneA)?.pausedUntil == nil)
        #expect(state.nextWakeup(now: Self.now) == sent[0].due, "the request waits its retry-after")
        sent[1].due = Self.now.advanced(by: .seconds(2))
        let quota = state.throttled(
            sent[1], signal: ThrottleSignal(headers: RateLimitHeaders(remainingRequests: 0)), now: Self.now)
        #expect(quota == .quota(.exhaustedHeader))
        #expect(state.lanes.quota(Self.laneA)?.pausedUntil == sent[1].due)
    }

    @Test("a retry without pauseLane only delays that request")
    func plainRetry() {
        var state = Self.state(concurrency: 5)
        state.load([Self.item(1), Self.item(2)], now: Self.now)
        var first = state.next(now: Self.now)!
        first.due = Self.now.advanced(by: .milliseconds(300))
        state.retry(first, pauseLane: false, now: Self.now)
        #expect(state.lanes.quota(Self.laneA)?.pausedUntil == nil)
        #expect(Self.drainReady(&state).map(\.request.line) == [2])
        #expect(state.nextWakeup(now: Self.now) == first.due)
        #expect(Self.drainReady(&state, at: first.due).map(\.request.line) == [1])
    }

    @Test("items loaded with a later due time become sendable only then")
    func delayedItems() {
        var state = Self.state()
        let due = Self.now.advanced(by: .milliseconds(500))
        state.load([Self.item(1, due: due), Self.item(2, due: Self.now)], now: Self.now)
        #expect(Self.drainReady(&state).map(\.request.line) == [2])
        #expect(state.nextWakeup(now: Self.now) == due)
        #expect(state.next(now: Timestamp(milliseconds: due.milliseconds - 1)) == nil)
        #expect(Self.drainReady(&state, at: due).map(\.request.line) == [1])
        #expect(state.nextWakeup(now: due) == nil)
    }

    @Test("draining stops new sends; the run ends when nothing is in flight")
    func drain() {
        var state = Self.state(concurrency: 2)
        state.load((1...4).map { Self.item($0) }, now: Self.now)
        let sent = Self.drainReady(&state)
        #expect(sent.count == 2)
        state.drain()
        #expect(state.draining)
        #expect(state.next(now: Self.now) == nil)
        #expect(!state.wantsMoreInput)
        #expect(!state.isFinished)
        state.finished(sent[0], now: Self.now)
        #expect(state.next(now: Self.now) == nil)
        #expect(!state.isFinished)
        var retried = sent[1]
        retried.due = Self.now
        state.retry(retried, pauseLane: false, now: Self.now)
        #expect(state.isFinished)
        #expect(state.next(now: Self.now) == nil)
        #expect(state.nextWakeup(now: Self.now) == nil)
    }

    @Test("stop keeps the first reason and ends the run")
    func stop() {
        var state = Self.state()
        state.load([Self.item(1), Self.item(2)], now: Self.now)
        let first = state.next(now: Self.now)!
        state.stop(.insufficientQuota("out of quota"))
        state.stop(.inputModified("in.jsonl", detail: "changed"))
        #expect(state.stopReason?.code == .insufficientQuota)
        #expect(state.stopReason?.message == "out of quota")
        #expect(state.next(now: Self.now) == nil)
        #expect(!state.wantsMoreInput)
        #expect(!state.isFinished)
        state.finished(first, now: Self.now)
        #expect(state.isFinished)
    }

    @Test("wantsMoreInput until the low watermark; an empty page ends the input")
    func lowWatermark() {
        var state = Self.state(lowWatermark: 3)
        #expect(state.wantsMoreInput)
        state.load([Self.item(1), Self.item(2)], now: Self.now)
        #expect(state.wantsMoreInput)
        state.load([Self.item(3, due: Self.now.advanced(by: .seconds(1)))], now: Self.now)
        #expect(!state.wantsMoreInput)
        _ = state.next(now: Self.now)
        #expect(state.wantsMoreInput)
        #expect(!state.inputExhausted)
        state.load([], now: Self.now)
        #expect(state.inputExhausted)
        #expect(!state.wantsMoreInput)
    }

    @Test("the run is finished once the input is exhausted and every request came back")
    func finished() {
        var state = Self.state()
        #expect(!state.isFinished)
        state.load([Self.item(1), Self.item(2, Self.laneB)], now: Self.now)
        state.load([], now: Self.now)
        let sent = Self.drainReady(&state)
        #expect(!state.isFinished)
        state.finished(sent[0], now: Self.now)
        #expect(!state.isFinished)
        state.finished(sent[1], now: Self.now)
        #expect(state.isFinished)
        #expect(state.inFlight == 0)
    }

    @Test("a lane's window learns from how long answers take: a queueing server narrows it")
    func latencyDrivesTheWindow() {
        var state = DispatchState(lowWatermark: 1000) { _ in
            LaneSettings(concurrency: 64, cautiousStart: true)
        }
        state.load((1...2000).map { Self.item($0) }, now: Self.now)
        var now = Self.now
        var sentPerRound: [Int] = []
        // The server answers 8 at once in 400 ms; more queue, so latency grows with the window.
        for _ in 0..<30 {
            let sent = Self.drainReady(&state, at: now)
            sentPerRound.append(sent.count)
            let latency = Int64(400 * max(1, Double(sent.count) / 8))
            let answered = now.advanced(by: .milliseconds(latency))
            for var item in sent {
                item.latency = .milliseconds(latency)
                state.finished(item, succeeded: true, now: answered)
            }
            now = answered
        }
        #expect(sentPerRound.first == 4, "a cap nobody chose starts cautiously")
        #expect(sentPerRound.max()! > 8, "it grows while the server keeps up")
        #expect(sentPerRound.suffix(10).allSatisfy { $0 < 32 }, "and stays below the cap: \(sentPerRound)")
    }
}
