import BatchCore
import BatchEngine
import BatchStore
import Synchronization
import Testing

@Suite("Lanes shared between jobs")
struct SharedLanesTests {
    static let now = Timestamp(milliseconds: 2_000_000)
    static let lane = LaneKey(endpoint: "e", model: "m")

    static func items(_ lines: ClosedRange<Int>) -> [DispatchItem] {
        lines.map {
            DispatchItem(
                request: PendingRequest(
                    line: $0, offset: 0, length: 1, customID: "c\($0)", path: "chat/completions", model: "m",
                    attempts: 0, nextAttemptAt: now),
                lane: lane)
        }
    }

    static func job(_ id: Int64, weight: Int, lanes: SharedLanes, concurrency: Int = 2) -> DispatchState {
        DispatchState(tenant: id, weight: weight, lanes: lanes, lowWatermark: 10) { _ in
            LaneSettings(concurrency: concurrency)
        }
    }

    @Test("a small urgent job gets its weighted share of a lane a big job keeps busy")
    func urgentJobIsNotStuck() {
        let lanes = SharedLanes()
        var big = Self.job(1, weight: 1, lanes: lanes)
        var urgent = Self.job(2, weight: 4, lanes: lanes)
        big.load(Self.items(1...10_000), now: Self.now)
        urgent.load(Self.items(1...50), now: Self.now)
        var sent: [Int64: Int] = [:]
        // Each round both jobs try; each request they start finishes before the next round.
        while (sent[2] ?? 0) < 50 {
            for index in 0..<2 {
                if index == 0, let item = big.next(now: Self.now) {
                    sent[1, default: 0] += 1
                    big.finished(item, succeeded: true, now: Self.now)
                }
                if index == 1, let item = urgent.next(now: Self.now) {
                    sent[2, default: 0] += 1
                    urgent.finished(item, succeeded: true, now: Self.now)
                }
            }
        }
        #expect(sent[1]! <= 14, "the urgent job had four turns for each of the big job's: \(sent)")
    }

    @Test("the concurrency cap holds across the jobs of a lane")
    func capAcrossJobs() {
        let lanes = SharedLanes()
        var first = Self.job(1, weight: 1, lanes: lanes, concurrency: 3)
        var second = Self.job(2, weight: 1, lanes: lanes, concurrency: 3)
        first.load(Self.items(1...10), now: Self.now)
        second.load(Self.items(1...10), now: Self.now)
        var started = 0
        while first.next(now: Self.now) != nil || second.next(now: Self.now) != nil { started += 1 }
        #expect(started == 3)
        #expect(lanes.quota(Self.lane)?.inFlight == 3)
    }

    @Test("a draining job frees its share and wakes the job waiting for its turn")
    func drainFreesShare() {
        let lanes = SharedLanes()
        let woken = Atomic<Int>(0)
        var heavy = Self.job(1, weight: 10, lanes: lanes, concurrency: 1)
        var light = Self.job(2, weight: 1, lanes: lanes, concurrency: 1)
        lanes.register(tenant: 2) { woken.add(1, ordering: .relaxed) }
        heavy.load(Self.items(1...5), now: Self.now)
        light.load(Self.items(1...5), now: Self.now)
        let item = light.next(now: Self.now)!
        light.finished(item, succeeded: true, now: Self.now)
        let heavyItem = heavy.next(now: Self.now)!
        #expect(light.next(now: Self.now) == nil, "the lane's one slot is taken")
        heavy.drain()
        #expect(woken.load(ordering: .relaxed) >= 1, "leaving woke the waiting job")
        #expect(lanes.quota(Self.lane)?.share.tenantCount == 1)
        heavy.finished(heavyItem, succeeded: true, now: Self.now)
        #expect(heavy.next(now: Self.now) == nil, "a draining job starts nothing")
        #expect(light.next(now: Self.now) != nil, "the slot went to the job still running")
    }

    @Test("a job waiting for a commit steps aside: the other job of its lane gets the free slots")
    func waitingForCommitStepsAside() {
        let lanes = SharedLanes()
        var urgent = Self.job(1, weight: 10, lanes: lanes)
        var bulk = Self.job(2, weight: 1, lanes: lanes)
        bulk.load(Self.items(101...110), now: Self.now)
        urgent.load(Self.items(1...10), now: Self.now)
        // The bulk job sends first, and its answers are recorded.
        var sent: [DispatchItem] = []
        while let item = bulk.next(now: Self.now) { sent.append(item) }
        for item in sent { bulk.answered(item, succeeded: true, now: Self.now) }
        bulk.recorded(sent.count)
        // The urgent job sends twice its concurrency; none of its answers is committed yet.
        for _ in 0..<2 {
            sent = []
            while let item = urgent.next(now: Self.now) { sent.append(item) }
            for item in sent { urgent.answered(item, succeeded: true, now: Self.now) }
        }
        #expect(urgent.awaitingCommit == 4)
        #expect(urgent.next(now: Self.now) == nil, "it may start nothing before a commit")
        // Its pass is smaller: waiting, it would hold the bulk job back from the free slots.
        sent = []
        while let item = bulk.next(now: Self.now) { sent.append(item) }
        #expect(sent.count == 2, "the lane's two free slots go to the bulk job")
    }

    @Test("a job that stops waiting for its turn wakes the jobs behind it, once")
    func idleWakesWaiters() {
        let lanes = SharedLanes()
        let woken = Atomic<Int>(0)
        let settings = LaneSettings(concurrency: 4)
        lanes.join(lane: Self.lane, tenant: 1, weight: 10, settings: settings, now: Self.now)
        lanes.join(lane: Self.lane, tenant: 2, weight: 1, settings: settings, now: Self.now)
        lanes.register(tenant: 2) { woken.add(1, ordering: .relaxed) }
        #expect(lanes.tryStart(lane: Self.lane, tenant: 2, cost: 0, now: Self.now))
        #expect(lanes.tryStart(lane: Self.lane, tenant: 1, cost: 0, now: Self.now))
        let before = woken.load(ordering: .relaxed)
        lanes.idle(lane: Self.lane, tenant: 1)
        #expect(woken.load(ordering: .relaxed) == before + 1)
        lanes.idle(lane: Self.lane, tenant: 1)
        #expect(woken.load(ordering: .relaxed) == before + 1, "no longer waiting: nothing changes")
    }
}
