import BatchCore
import Testing

@Suite("Concurrency limit")
struct ConcurrencyLimitTests {
    /// A server of 16 workers taking 20 ms each: beyond 16 requests they queue.
    static func plateau(_ window: Int) -> Double { 20 * max(1, Double(window) / 16) }
    /// A batching server: 20 ms plus 2 ms per request in the batch, up to 64 at once.
    static func batching(_ window: Int) -> Double {
        let batch = Double(min(window, 64))
        return (20 + 2 * batch) * max(1, Double(window) / 64)
    }

    /// Feeds one answer with the window full, `latency(window)` after it was sent.
    @discardableResult
    static func answer(_ limit: inout ConcurrencyLimit, latency: (Int) -> Double) -> ConcurrencyLimit.Decision
    {
        limit.windowFilled()
        return limit.record(
            latency: .microseconds(Int64(latency(limit.window) * 1000)), inFlight: limit.window)
    }

    /// Feeds one round (as many answers as the window, at least 16); returns the decisions taken.
    @discardableResult
    static func round(_ limit: inout ConcurrencyLimit, latency: (Int) -> Double) -> [ConcurrencyLimit
        .Decision]
    {
        (0..<max(limit.window, 16)).map { _ in answer(&limit, latency: latency) }.filter { $0 != .unchanged }
    }

    /// The window after each of `count` answers.
    static func windows(_ limit: inout ConcurrencyLimit, _ count: Int, latency: (Int) -> Double) -> [Int] {
        (0..<count).map { _ in
            answer(&limit, latency: latency)
            return limit.window
        }
    }

    @Test("the worked example of the doc comment, round by round")
    func workedExample() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        var rows: [String] = []
        for _ in 0..<20 {
            let before = limit.window
            let decisions = Self.round(&limit, latency: Self.plateau)
            let rate = limit.goodput.map { Int($0.rounded()) } ?? 0
            let last = decisions.last.map { "\($0)" } ?? "unchanged"
            rows.append("\(before)→\(limit.window) \(rate) \(last)")
        }
        #expect(
            rows == [
                "4→20 562 grew", "20→40 800 grew", "40→20 800 startupEnded", "20→20 800 unchanged",
                "20→20 800 unchanged", "20→16 800 probing", "16→16 800 unchanged", "16→16 800 unchanged",
                "16→16 800 kept", "16→16 800 unchanged", "16→16 800 unchanged", "16→16 800 unchanged",
                "16→16 800 unchanged", "16→16 800 unchanged", "16→20 800 probing", "20→20 800 unchanged",
                "20→20 800 unchanged", "20→16 800 reverted", "16→16 800 unchanged", "16→16 800 unchanged",
            ], "\(rows)")
    }

    @Test("a plateauing server: the window settles at its knee, where latency is the unloaded one")
    func plateauKnee() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        let settled = Self.windows(&limit, 20_000, latency: Self.plateau).dropFirst(2000)
        #expect(settled.min()! >= 13, "keeps the workers busy: \(settled.min()!)")
        #expect(settled.max()! <= 25, "never queues far: \(settled.max()!)")
        let mean = Double(settled.reduce(0, +)) / Double(settled.count)
        #expect(mean >= 15 && mean <= 20, "mostly at the knee: \(mean)")
    }

    @Test(
        "a batching server: throughput rises with every request in the batch, so the window goes to the cap")
    func batchingServer() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        let settled = Self.windows(&limit, 20_000, latency: Self.batching).dropFirst(2000)
        let mean = Double(settled.reduce(0, +)) / Double(settled.count)
        #expect(mean >= 60, "at the cap but for probes down: \(mean)")
        #expect(settled.min()! >= 48, "one probe down at a time: \(settled.min()!)")
        // Under a higher cap the batch size (64) is the knee: more only queues.
        var wide = ConcurrencyLimit(cap: 256, cautiousStart: true)
        let queueing = Self.windows(&wide, 40_000, latency: Self.batching).dropFirst(10_000)
        #expect(queueing.max()! <= 100 && queueing.min()! >= 40, "\(queueing.min()!)…\(queueing.max()!)")
    }

    @Test("a server whose every request takes the same time: goodput rises with the window, up to the cap")
    func linearServer() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        var seed: UInt64 = 42
        var history: [Int] = []
        for _ in 0..<5000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // From 200 ms to 6 s, whatever the window: long answers are not a slowdown.
            let latency = 200 + Double((seed >> 33) % 5800)
            Self.answer(&limit) { _ in latency }
            history.append(limit.window)
        }
        let settled = history.dropFirst(500)
        #expect(settled.min()! >= 40, "\(settled.min()!)")
        #expect(Double(settled.reduce(0, +)) / Double(settled.count) >= 55)
    }

    @Test("a configured cap is held whatever the latency; a 429 narrows it, then it recovers")
    func heldCap() {
        var limit = ConcurrencyLimit(cap: 32)
        #expect(limit.window == 32 && limit.phase == .held)
        #expect(Set(Self.windows(&limit, 2000, latency: { 10 * Double($0) })) == [32])
        #expect(limit.latencyMs == 320, "still measured")
        limit.throttled()
        #expect(limit.window == 1 && limit.phase == .recovering)
        _ = Self.windows(&limit, 8, latency: { _ in 100 })
        #expect(limit.window == 9, "one more per success")
        _ = Self.windows(&limit, 100, latency: { _ in 100 })
        #expect(limit.window == 32 && limit.phase == .held)
    }

    @Test("rounds in which the window never filled are not judged: a paced lane keeps its window")
    func notFilled() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        for _ in 0..<40 { Self.round(&limit, latency: Self.plateau) }
        // The budgets hold the lane at 4 in flight, answered in 20 ms: 200 a second, whatever the
        // window. (The round in progress, in which the window did fill, ends first.)
        let windows = (0..<2000).map { _ in
            limit.record(latency: .milliseconds(20), inFlight: 4)
            return limit.window
        }
        #expect(Set(windows.dropFirst(128)).count == 1, "\(Set(windows))")
    }

    /// Runs rounds until the window probes up.
    static func untilProbingUp(_ limit: inout ConcurrencyLimit, latency: (Int) -> Double) {
        while limit.phase != .probingUp { Self.round(&limit, latency: latency) }
    }

    @Test("a probe up is kept when two judged rounds gain 3 %, reverted when one does not")
    func probeUp() {
        // Goodput grows with the window up to 20 requests, then plateaus: the window settles at 20.
        let latency: (Int) -> Double = { 20 * max(1, Double($0) / 20) }
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        Self.untilProbingUp(&limit, latency: latency)
        #expect(limit.window == 25, "20 × 1.25")
        Self.round(&limit, latency: latency)  // not judged (settling)
        Self.round(&limit, latency: latency)
        #expect(Self.round(&limit, latency: latency) == [.reverted], "no gain: back at once")
        #expect(limit.phase == .cruising && limit.window == 20, "20 is unloaded: no probe down")
        // A server that gains from 25: kept after its second judged round, and probes up again.
        var gaining = ConcurrencyLimit(cap: 64, cautiousStart: true)
        Self.untilProbingUp(&gaining, latency: latency)
        let faster: (Int) -> Double = { 20 * max(1, Double($0) / 24) }
        Self.round(&gaining, latency: faster)
        Self.round(&gaining, latency: faster)
        #expect(Self.round(&gaining, latency: faster).isEmpty, "one round that gains is not enough")
        #expect(Self.round(&gaining, latency: faster) == [.kept])
        #expect(gaining.window == 31 && gaining.phase == .probingUp, "and probes up again")
        // One lucky round (latency 10 % lower) and one true one: back.
        var lucky = ConcurrencyLimit(cap: 64, cautiousStart: true)
        Self.untilProbingUp(&lucky, latency: latency)
        Self.round(&lucky, latency: latency)
        Self.round(&lucky, latency: latency)
        #expect(Self.round(&lucky, latency: { latency($0) * 0.9 }).isEmpty)
        #expect(Self.round(&lucky, latency: latency) == [.reverted], "the lesser of the two decides")
        #expect(lucky.window == 20)
    }

    @Test("a probe down holds when either judged round holds; startup's end probes down first")
    func probeDown() {
        // A plateau at 16 reached from 40: startup ends at 20 and probes down to 16 at once.
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        while limit.phase == .startup { Self.round(&limit, latency: Self.plateau) }
        #expect(limit.window == 20 && limit.phase == .cruising)
        Self.round(&limit, latency: Self.plateau)
        Self.round(&limit, latency: Self.plateau)
        #expect(Self.round(&limit, latency: Self.plateau) == [.probing], "one cruise round, then down")
        #expect(limit.phase == .probingDown && limit.window == 16)
        Self.round(&limit, latency: Self.plateau)
        Self.round(&limit, latency: Self.plateau)
        // An unlucky round (5 % slower) first: a second round decides, and it holds.
        #expect(Self.round(&limit, latency: { Self.plateau($0) * 1.05 }).isEmpty)
        #expect(Self.round(&limit, latency: Self.plateau) == [.kept], "the greater of the two decides")
        #expect(limit.window == 16 && limit.phase == .cruising, "at the unloaded latency: no lower")
        // A batching server: startup's probe down loses, and the next probe goes up at once.
        var batching = ConcurrencyLimit(cap: 256, cautiousStart: true)
        while batching.phase == .startup { Self.round(&batching, latency: Self.batching) }
        let ended = batching.window
        while batching.phase != .probingDown { Self.round(&batching, latency: Self.batching) }
        while batching.phase == .probingDown { Self.round(&batching, latency: Self.batching) }
        #expect(batching.phase == .probingUp && batching.window == ConcurrencyLimit.widened(ended))
    }

    @Test("a 429 while cruising: one request, back to the window by one per success, then measured afresh")
    func throttled() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        while limit.phase != .cruising { Self.round(&limit, latency: Self.plateau) }
        let window = limit.window
        limit.throttled()
        #expect(limit.window == 1)
        let grown = Self.windows(&limit, window - 1, latency: Self.plateau)
        #expect(grown == Array(2...window))
        #expect(limit.phase == .cruising)
        _ = Self.windows(&limit, 50, latency: Self.plateau)
        #expect(limit.window == window, "the rounds after the recovery settle, then cruise")
    }

    @Test("a 429 in startup: the recovery grows to the cap, startup goes on")
    func throttledInStartup() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        Self.round(&limit, latency: Self.batching)
        limit.throttled()
        _ = Self.windows(&limit, 30, latency: Self.batching)
        #expect(limit.window == 31 && limit.phase == .recovering)
        _ = Self.windows(&limit, 33, latency: Self.batching)
        #expect(limit.window == 64 && limit.phase == .startup, "then looks for the best window again")
    }

    @Test("a new cap: a window at the old cap follows it; a window is never above the cap")
    func caps() {
        var limit = ConcurrencyLimit(cap: 10)
        limit.setCap(3)
        #expect(limit.window == 3)
        limit.setCap(12)
        #expect(limit.window == 12)
        #expect(ConcurrencyLimit(cap: 2, cautiousStart: true).window == 2)
        var small = ConcurrencyLimit(cap: 3, cautiousStart: true)
        #expect(Set(Self.windows(&small, 500, latency: Self.plateau)).isSubset(of: [2, 3]))
    }

    @Test("a success of unknown latency widens a slow start but is not a sample")
    func unknownLatency() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        for _ in 0..<40 { #expect(limit.record(latency: nil, inFlight: 4) == .grew) }
        #expect(limit.window == 44)
        #expect(limit.goodput == nil, "no round was judged")
        _ = Self.windows(&limit, 44, latency: { _ in 300 })
        #expect(limit.latencyMs == 300)
    }
}
