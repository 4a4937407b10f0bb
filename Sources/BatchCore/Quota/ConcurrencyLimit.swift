/// The adaptive cap on a lane's requests in flight: a window that starts small, grows while
/// answers keep coming back as fast as usual, shrinks when they slow down (the server is queueing
/// them), and restarts from one request after a 429.
///
/// A pure value: latencies are passed in, no clock is read.
///
/// ## Algorithm
/// - **Start.** With a cautious start (a cap nobody configured) the window opens at
///   ``initialWindow`` (or the cap, if lower) and grows by one per success (*slow start*: it
///   doubles every round trip) up to the slow-start threshold, which is the cap until the first
///   slowdown. A configured cap is taken at its word: the window opens at the cap.
/// - **Rounds.** Successes are grouped in rounds of `max(window, 16)` answers (the window when the
///   round began), about one round trip. A round's *latency* is the median of its answers'
///   latencies: LLM answers vary with their length, and a median over a round is robust to a few
///   long ones. The *baseline* is the lowest round latency seen.
/// - **Slowdown.** A round slower than ``tolerance`` × baseline + ``slackMs`` means the server
///   queues requests: the window shrinks to 80 % (not below ``minimumWindow``), the slow-start
///   threshold drops to the new window, and the next round is not judged (its requests were sent
///   before the decrease): at most one decrease per round trip, as in TCP.
/// - **No relief.** If two decreases in a row leave the latency where it was (within 5 %), the
///   server was not queueing: the answers themselves got slower (longer prompts, say). That
///   latency becomes the baseline and the threshold goes back to the cap.
/// - **Otherwise** the window grows: by one per success below the threshold, by one per round
///   above it (additive increase), never past the cap.
/// - **429.** The window drops to one request and slow-starts back up to the threshold: the end of
///   the pause does not release the whole backlog at once. A 429 is a rate signal, which the
///   lane's budgets act on; it does not lower the threshold.
///
/// ``slackMs`` keeps a millisecond server's jitter from driving the window: on a local server
/// batchd's own scheduling is most of the latency, and queueing is not what limits it.
///
/// ## Worked example
/// A cautious start under a cap of 64 (in batchd a cautious start comes with the default cap, 16;
/// 64 makes the rounds easier to follow), answers taking about 400 ms while the server has room:
///
/// | round | answers | window  | median   | decision                                           |
/// |-------|---------|---------|----------|----------------------------------------------------|
/// | 1     | 16      | 4 → 20  | 400 ms   | first round: baseline 400 ms                       |
/// | 2     | 20      | 20 → 40 | 410 ms   | ≤ 2 × 400 + 50 = 850 ms: keep growing              |
/// | 3     | 40      | 40 → 64 | 520 ms   | keep growing, up to the cap                        |
/// | 4     | 64      | 64 → 51 | 1,100 ms | > 850 ms: × 0.8, threshold 51                      |
/// | 5     | 51      | 51      | —        | not judged: sent before the decrease               |
/// | 6     | 51      | 51 → 52 | 700 ms   | ≤ 850 ms: + 1 per round (threshold reached)        |
/// | 7     | 52      | 52 → 41 | 1,000 ms | > 850 ms: × 0.8                                    |
/// | 9     | 41      | 41 → 32 | 1,000 ms | still slow after round 8 (not judged): × 0.8      |
/// | 11    | 32      | 32      | 1,000 ms | no relief twice: baseline 1,000 ms, threshold 64   |
/// | 12    | 32      | 32 → 64 | 1,000 ms | slow start again                                   |
public struct ConcurrencyLimit: Sendable, Equatable {
    /// The configured cap: the window never exceeds it.
    public private(set) var cap: Int
    /// How many requests may be in flight now.
    public private(set) var window: Int
    /// Below it the window grows by one per success, above it by one per round.
    public private(set) var threshold: Int
    /// The lowest round latency seen, in milliseconds (reset when answers got slower for good);
    /// nil before the first round.
    public private(set) var baselineMs: Double?

    /// The window a new lane starts with.
    public static let initialWindow = 4
    /// Slowdowns never shrink the window below this (or the cap, if lower).
    public static let minimumWindow = 2
    /// A round slower than `tolerance × baseline + slackMs` counts as a slowdown.
    public static let tolerance = 2.0
    public static let slackMs = 50.0
    static let minimumRoundSize = 16

    private var round: [Double] = []
    /// How many answers the current round takes: `max(window, 16)` when it began.
    private var roundSize = 0
    /// After a slowdown, the next round's answers were mostly sent before the window shrank: that
    /// round is not judged (at most one decrease per round trip, as in TCP).
    private var skipNextRound = false
    /// The latency of the last judged round, when it was a slowdown.
    private var lastSlowMs: Double?
    /// Slow rounds in a row whose latency did not fall after a decrease.
    private var withoutRelief = 0

    /// A window under `cap`. A cautious start opens at ``initialWindow``, or at `learnedWindow`
    /// when an earlier process learned one (``LearnedBudget``; at least ``initialWindow``), at
    /// most the cap; it then slow-starts as usual.
    public init(cap: Int, cautiousStart: Bool = false, learnedWindow: Int? = nil) {
        self.cap = max(1, cap)
        let opening = max(Self.initialWindow, learnedWindow ?? Self.initialWindow)
        self.window = cautiousStart ? min(self.cap, opening) : self.cap
        self.threshold = self.cap
    }

    /// A new cap (a job brought its own `--concurrency`). A window or threshold that was at the
    /// old cap follows it; both are clamped to it.
    public mutating func setCap(_ cap: Int) {
        let cap = max(1, cap)
        if window == self.cap { window = cap }
        if threshold == self.cap { threshold = cap }
        self.cap = cap
        window = min(window, cap)
        threshold = min(threshold, cap)
    }

    /// A request succeeded after `latencyMs` (nil when its latency is unknown: it then only
    /// widens a slow-starting window).
    public mutating func succeeded(latencyMs: Double?) {
        let windowBefore = window
        if window < threshold { window += 1 }
        guard let latencyMs else { return }
        if round.isEmpty { roundSize = max(windowBefore, Self.minimumRoundSize) }
        round.append(latencyMs)
        guard round.count >= roundSize else { return }
        round.sort()
        let median = round[round.count / 2]
        round.removeAll(keepingCapacity: true)
        endRound(median: median)
    }

    /// A 429: one request in flight, then slow start back up to the threshold. Rounds start over:
    /// latencies from before the 429 are not compared with those after it.
    public mutating func throttled() {
        window = 1
        round.removeAll(keepingCapacity: true)
        (skipNextRound, lastSlowMs, withoutRelief) = (false, nil, 0)
    }

    private mutating func endRound(median: Double) {
        if skipNextRound {
            skipNextRound = false
            return
        }
        guard let baseline = baselineMs else {
            baselineMs = median
            return
        }
        guard median > Self.tolerance * baseline + Self.slackMs else {
            (lastSlowMs, withoutRelief) = (nil, 0)
            baselineMs = min(baseline, median)
            if window >= threshold && window < cap { window += 1 }
            return
        }
        withoutRelief = lastSlowMs.map { median >= 0.95 * $0 } == true ? withoutRelief + 1 : 0
        lastSlowMs = median
        if withoutRelief >= 2 {
            // Shrinking did not help: not a queue, slower answers. Take them as the new normal.
            (baselineMs, threshold, lastSlowMs, withoutRelief) = (median, cap, nil, 0)
            return
        }
        // Never a rise: a window already below the minimum (one, after a 429) stays where it is.
        window = min(window, max(min(Self.minimumWindow, cap), Int(Double(window) * 0.8)))
        threshold = window
        skipNextRound = true
    }
}
