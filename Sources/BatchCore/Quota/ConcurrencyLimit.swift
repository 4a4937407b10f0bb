/// The adaptive cap on a lane's requests in flight: a window that moves to where the lane's
/// completed requests per second (its *goodput*) are highest, not where latency is lowest.
///
/// Batching inference servers (vLLM, TEI, infinity) answer more slowly as they hold more requests
/// while their throughput keeps rising; a server of a few workers plateaus and only queues. So
/// latency alone says little: the window probes a wider and a narrower value in turn and keeps
/// whichever completes more (a gradient on goodput, as TCP BBR and Netflix's concurrency-limits
/// do on their signals).
///
/// A pure value: latencies and requests in flight are passed in, no clock is read; each
/// ``record(latency:inFlight:)`` returns the ``Decision`` it took.
///
/// ## Measuring
/// Answers are grouped in rounds of `max(window, 16)` (the window when the round began), about one
/// round trip. A round's goodput is Little's law over its answers: the requests in flight when
/// each answer came (itself included) summed, over their latencies summed (`λ = L / W`). Servers
/// that answer in bursts (a batch ends, all its answers at once) make answers-per-elapsed-time
/// swing by the burst size from one round to the next; in-flight over latency does not. A round
/// is *judged* only if the window was full at some point in it (``windowFilled()``): when the
/// budgets or the job's own pace hold the lane below its window, goodput says nothing about the
/// window, which then stays where it is.
///
/// ## Rules
/// - **Held.** A configured cap is taken at its word: the window is the cap (narrowed only by a
///   429, see below).
/// - **Startup** (a cap nobody configured). The window opens at ``initialWindow`` and grows by one
///   per success (it doubles every round trip) while each judged round's goodput is at least
///   ``startupGain`` above the best so far; the first round that is not ends startup, and the
///   window goes back to where the best round began. Startup overshoots (the window doubles
///   within the round that ends it), so after one judged round there the first probe goes down;
///   if that loses, the next goes up at once.
/// - **Cruise.** The window stays for ``cruiseRounds`` judged rounds, then probes.
/// - **Probe up.** The window widens by ``probeStep`` (at least one request, at most the cap);
///   the next two rounds are not judged (``settleRounds``: their answers were sent before the
///   change, or met a server queue still at the old window), the ones after are.
///   At least ``probeMargin`` more goodput in each of two judged rounds keeps the wider window
///   and probes up again; less in either (the server no longer gains from more requests, their
///   latency grows for nothing) goes back and probes down.
/// - **Probe down.** The window narrows to 80 % (not below ``minimumWindow``). A goodput no more
///   than ``probeMargin`` lower in either of two judged rounds keeps the narrower window (as many
///   answers a second, each sooner) and probes down again; a loss in both (or a loss of more than
///   ``clearLoss`` in the first) goes back and cruises, and the next ``restAfterLoss`` cycles
///   probe up only. A window whose latency is within ``unloadedMargin`` of the least any round
///   saw (the server's unloaded latency) does not probe down: narrower can only complete less.
/// - **Noise.** A round of 16–64 answers measures goodput to a few percent, about the margins;
///   judging each probe on two rounds, the harder way for each direction (the lesser for up, the
///   greater for down), keeps lucky rounds from ratcheting the window up past the knee.
/// - **429.** The window drops to one request and grows by one per success back to where it was
///   (the end of a pause never releases the whole backlog at once); then it measures afresh. A
///   429 is a rate signal, which the lane's budgets act on, not a measure of the server's speed.
///
/// ## Worked example
/// A server of 16 workers taking 20 ms each (it completes 800 requests a second however many it
/// holds; beyond 16 they queue, latency = 20 ms × window / 16), under the default cap of 64
/// (`ConcurrencyLimitTests.workedExample`):
///
/// | round | window  | answers | latency | goodput | decision                                           |
/// |-------|---------|---------|---------|---------|----------------------------------------------------|
/// | 1     | 4 → 20  | 16      | 20 ms   | 562 /s  | startup: the best so far                           |
/// | 2     | 20 → 40 | 20      | 37 ms   | 800 /s  | ≥ 1.1 × 562: startup goes on                       |
/// | 3     | 40 → 20 | 40      | 71 ms   | 800 /s  | < 1.1 × 800: startup ends, back to 20 (round 2's)  |
/// | 4–5   | 20      | 20      | 25 ms   | 800 /s  | not judged: sent or queued before the change       |
/// | 6     | 20 → 16 | 20      | 25 ms   | 800 /s  | one cruise round after startup, then probe down    |
/// | 7–8   | 16      | 16      | 20 ms   | 800 /s  | not judged                                         |
/// | 9     | 16      | 16      | 20 ms   | 800 /s  | ≥ 0.97 × 800: keep 16; at the least latency (20    |
/// |       |         |         |         |         | ms) narrower cannot gain: no probe down, cruise    |
/// | 10–14 | 16      | 16      | 20 ms   | 800 /s  | cruise                                             |
/// | 15    | 16 → 20 | 16      | 20 ms   | 800 /s  | after 6 judged rounds, probe up                    |
/// | 16–17 | 20      | 20      | 25 ms   | 800 /s  | not judged                                         |
/// | 18    | 20 → 16 | 20      | 25 ms   | 800 /s  | < 1.03 × 800: no gain, back; 16 is unloaded, so no |
/// |       |         |         |         |         | probe down: cruise                                 |
///
/// It then stays at 16, the knee (800 requests a second at the unloaded 20 ms), probing 20 now
/// and then. Against a batching server (20 ms + 2 ms per request in service, up to 64) each step
/// up completes more than 3 % more, and the window goes to the cap, probing 51 now and then.
public struct ConcurrencyLimit: Sendable, Equatable {
    /// Where the window is in its cycle.
    public enum Phase: Sendable, Equatable {
        /// A configured cap: the window is the cap.
        case held
        /// Growing by one per success while goodput rises.
        case startup
        /// Growing by one per success back to where it was before a 429.
        case recovering
        /// Staying, for a number of judged rounds.
        case cruising
        /// Trying a wider window.
        case probingUp
        /// Trying a narrower window.
        case probingDown
    }

    /// What a recorded answer did to the window.
    public enum Decision: Sendable, Equatable {
        /// The window stays (mid-round, a round not judged, a cruise round).
        case unchanged
        /// Slow start or recovery: one more request.
        case grew
        /// Startup ended; the window goes back to where goodput was best.
        case startupEnded
        /// A probe of a wider (or narrower) window begins.
        case probing
        /// The probed window completed enough: it stays.
        case kept
        /// The probed window did not: back to the one before.
        case reverted
    }

    /// The configured cap: the window never exceeds it.
    public private(set) var cap: Int
    /// How many requests may be in flight now.
    public private(set) var window: Int
    public private(set) var phase: Phase
    /// The last round's goodput (requests per second) and mean latency (milliseconds); nil before
    /// the first round.
    public private(set) var goodput: Double?
    public private(set) var latencyMs: Double?

    /// The window a new lane starts with.
    public static let initialWindow = 4
    /// A probe down never goes below this (or the cap, if lower).
    public static let minimumWindow = 2
    /// Startup goes on while each round completes this much more than the best before.
    public static let startupGain = 0.10
    /// A probe is kept when it completes this much more (up) or no more than this much less (down).
    public static let probeMargin = 0.03
    /// A probe up widens by this factor; a probe down narrows by its inverse, 80 %.
    public static let probeStep = 1.25
    public static let cruiseRounds = 6
    public static let restAfterLoss = 3
    /// A probe down whose first judged round loses more than this goes back without a second.
    public static let clearLoss = 0.09
    /// A latency within this of the least seen is the server's unloaded latency.
    public static let unloadedMargin = 0.10
    /// Rounds not judged after the window moved: the first one's answers were sent before the
    /// move, the second's met a server queue that had not yet drained or filled to the new window.
    public static let settleRounds = 2
    static let minimumRoundSize = 16

    /// The phase to go back to once a recovery after a 429 is done.
    private var resumePhase: Phase
    /// Recovery after a 429 grows up to this.
    private var recoveryTarget: Int
    private var round = Round()
    /// Rounds left that are not judged: their answers were sent, or queued, before the window
    /// changed.
    private var skipRounds = 0
    /// Startup's best round: its goodput and the window it began with.
    private var best: (goodput: Double, window: Int)?
    /// The goodput of the window before a probe (and that window).
    private var reference: (goodput: Double, window: Int, latencyMs: Double)?
    /// The least mean latency of any round: the server's latency unloaded.
    private var leastLatencyMs: Double?
    /// The goodput of a probe's first judged round, when a second decides.
    private var probeFirst: Double?
    /// What startup's end still asks: a probe down first, then (if it loses) a probe up at once.
    private var afterStartup = AfterStartup.none
    private var cruiseLeft = Self.cruiseRounds
    /// Cycles left that probe up only, after a probe down lost goodput.
    private var restLeft = 0

    enum AfterStartup: Sendable, Equatable {
        case none
        /// Cruising one judged round at startup's best window, then probing down.
        case probeDownNext
        /// Probing down from it: a loss probes up at once.
        case probingDown
    }

    /// One round's samples.
    struct Round: Sendable, Equatable {
        var size = ConcurrencyLimit.minimumRoundSize
        var window = 0
        var answers = 0
        var inFlightSum = 0
        var latencySumMs = 0.0
        var filled = false
    }

    /// A window under `cap`. A cautious start (a cap nobody configured) opens at ``initialWindow``,
    /// or at `learnedWindow` when an earlier process learned one (``LearnedBudget``; at least
    /// ``initialWindow``), at most the cap, and then looks for the best window; otherwise the
    /// window is held at the cap.
    public init(cap: Int, cautiousStart: Bool = false, learnedWindow: Int? = nil) {
        self.cap = max(1, cap)
        let opening = max(Self.initialWindow, learnedWindow ?? Self.initialWindow)
        window = cautiousStart ? min(self.cap, opening) : self.cap
        phase = cautiousStart ? .startup : .held
        resumePhase = phase
        recoveryTarget = self.cap
        round.window = window
        round.size = max(window, Self.minimumRoundSize)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.cap == rhs.cap && lhs.window == rhs.window && lhs.phase == rhs.phase && lhs.round == rhs.round
            && lhs.goodput == rhs.goodput && lhs.latencyMs == rhs.latencyMs
    }

    /// A new cap (a job brought its own `--concurrency`). A window at the old cap follows it; the
    /// window is clamped to it.
    public mutating func setCap(_ cap: Int) {
        let cap = max(1, cap)
        if window == self.cap { window = cap }
        if recoveryTarget == self.cap { recoveryTarget = cap }
        self.cap = cap
        window = min(window, cap)
        recoveryTarget = min(recoveryTarget, cap)
    }

    /// The lane just had as many requests in flight as the window allows: the window, not the
    /// budgets or the job's pace, held it back, so this round's goodput judges the window.
    public mutating func windowFilled() { round.filled = true }

    /// A request succeeded after `latency` with `inFlight` requests of the lane in flight (itself
    /// included). A nil latency (unknown) only widens a growing window; it is not a sample.
    @discardableResult
    public mutating func record(latency: Duration?, inFlight: Int) -> Decision {
        var decision = Decision.unchanged
        if phase == .startup || phase == .recovering {
            let limit = phase == .startup ? cap : recoveryTarget
            if window < limit {
                window += 1
                decision = .grew
            }
            if phase == .recovering && window >= recoveryTarget { finishRecovery() }
        }
        guard let latency else { return decision }
        let (seconds, attoseconds) = latency.components
        round.answers += 1
        round.inFlightSum += max(1, inFlight)
        round.latencySumMs += max(0.001, Double(seconds) * 1000 + Double(attoseconds) / 1e15)
        guard round.answers >= round.size else { return decision }
        let ended = round
        let rate = 1000 * Double(ended.inFlightSum) / ended.latencySumMs
        let meanLatency = ended.latencySumMs / Double(ended.answers)
        (goodput, latencyMs) = (rate, meanLatency)
        leastLatencyMs = min(leastLatencyMs ?? meanLatency, meanLatency)
        let judged = endRound(
            goodput: rate, latencyMs: meanLatency, began: ended.window, filled: ended.filled)
        round = Round(size: max(window, Self.minimumRoundSize), window: window)
        return judged ?? decision
    }

    /// A 429: one request in flight, then one more per success back to where the window was. The
    /// round starts over: answers from before the 429 are not compared with those after it.
    public mutating func throttled() {
        if phase != .recovering {
            resumePhase = phase == .held ? .held : (phase == .startup ? .startup : .cruising)
            recoveryTarget = phase == .startup ? cap : max(1, window)
        }
        window = 1
        phase = .recovering
        round = Round(size: Self.minimumRoundSize, window: 1)
        (skipRounds, best, reference, afterStartup) = (0, nil, nil, .none)
        if recoveryTarget <= 1 { finishRecovery() }
    }

    private mutating func finishRecovery() {
        phase = resumePhase
        cruiseLeft = Self.cruiseRounds
        skipRounds = Self.settleRounds
    }

    /// Judges a round that ended: nil when it changed nothing.
    private mutating func endRound(goodput: Double, latencyMs: Double, began: Int, filled: Bool) -> Decision?
    {
        guard phase != .held, phase != .recovering else { return nil }
        if skipRounds > 0 {
            skipRounds -= 1
            return nil
        }
        guard filled else { return nil }
        switch phase {
        case .held, .recovering:
            return nil
        case .startup:
            if let best, goodput < best.goodput * (1 + Self.startupGain) {
                move(to: best.window, phase: .cruising)
                reference = nil
                cruiseLeft = 1
                afterStartup = .probeDownNext
                return .startupEnded
            }
            best = (goodput, began)
            return nil
        case .cruising:
            // The window's goodput, smoothed over its cruise rounds.
            let smoothed =
                reference.map { $0.window == window ? ($0.goodput + goodput) / 2 : goodput } ?? goodput
            let smoothedLatency =
                reference.map { $0.window == window ? ($0.latencyMs + latencyMs) / 2 : latencyMs }
                ?? latencyMs
            reference = (smoothed, window, smoothedLatency)
            cruiseLeft -= 1
            guard cruiseLeft <= 0 else { return nil }
            if afterStartup == .probeDownNext {
                afterStartup = .probingDown
                return probeDown()
            }
            if window < cap {
                move(to: Self.widened(window), phase: .probingUp)
                return .probing
            }
            return probeDown()
        case .probingUp:
            guard let before = reference else { return nil }
            let gains = goodput >= before.goodput * (1 + Self.probeMargin)
            if gains, probeFirst == nil {
                probeFirst = goodput  // a second round must gain too
                return nil
            }
            let probed = min(probeFirst ?? goodput, goodput)
            probeFirst = nil
            if gains {
                reference = (probed, window, latencyMs)
                restLeft = 0
                if window < cap {
                    move(to: Self.widened(window), phase: .probingUp)
                } else {
                    cruise()
                }
                return .kept
            }
            return probeDown() ?? .reverted
        case .probingDown:
            guard let before = reference else { return nil }
            let holds = goodput >= before.goodput * (1 - Self.probeMargin)
            if !holds, probeFirst == nil, goodput >= before.goodput * (1 - Self.clearLoss) {
                probeFirst = goodput  // a second round may still hold
                return nil
            }
            let probed = max(probeFirst ?? goodput, goodput)
            probeFirst = nil
            let followsStartup = afterStartup == .probingDown
            afterStartup = .none
            if probed >= before.goodput * (1 - Self.probeMargin) {
                reference = (probed, window, latencyMs)
                return probeDown() ?? .kept
            }
            if followsStartup, before.window < cap {
                // Startup found no gain wider, and narrower loses: try a little wider at once.
                move(to: Self.widened(before.window), phase: .probingUp)
                return .reverted
            }
            restLeft = Self.restAfterLoss
            move(to: before.window, phase: .cruising)
            cruiseLeft = Self.cruiseRounds
            return .reverted
        }
    }

    /// Starts a probe down from the reference window, unless resting or at the minimum: then
    /// cruises at the reference window (nil: the window did not move).
    private mutating func probeDown() -> Decision? {
        let from = reference?.window ?? window
        let floor = min(Self.minimumWindow, cap)
        let latency = reference?.latencyMs ?? latencyMs ?? .infinity
        let unloaded = leastLatencyMs.map { latency <= $0 * (1 + Self.unloadedMargin) } ?? false
        if restLeft > 0 || from <= floor || unloaded {
            restLeft = max(0, restLeft - 1)
            let moved = window != from
            move(to: from, phase: .cruising)
            cruiseLeft = Self.cruiseRounds
            return moved ? .reverted : nil
        }
        move(
            to: max(floor, min(from - 1, Int((Double(from) / Self.probeStep).rounded()))), phase: .probingDown
        )
        return .probing
    }

    /// A probe up's window: ``probeStep`` wider, at least one more.
    public static func widened(_ window: Int) -> Int {
        max(window + 1, Int((Double(window) * probeStep).rounded()))
    }

    private mutating func cruise() {
        phase = .cruising
        cruiseLeft = Self.cruiseRounds
    }

    /// Moves the window; the next ``settleRounds`` rounds, sent or queued before the move, are not
    /// judged.
    private mutating func move(to window: Int, phase: Phase) {
        let moved = window != self.window
        probeFirst = nil
        self.window = max(1, min(cap, window))
        self.phase = phase
        if phase == .cruising { cruiseLeft = Self.cruiseRounds }
        if moved { skipRounds = Self.settleRounds }
    }
}
