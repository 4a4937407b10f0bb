/// Everything that decides when a request of one lane (endpoint, deployment or model) may start,
/// shared by every job that targets that lane: the adaptive cap on requests in flight
/// (``ConcurrencyLimit``), the pause after a 429, the per-minute budgets (``LaneBudget``) and the
/// fair share between jobs (``FairShare``).
///
/// A pure value: it reads no clock and does no I/O, so it is tested with plain timestamps.
///
/// After a 429 the lane pauses until the server's `retry-after-ms` / `retry-after` / reset time,
/// empties its budgets and narrows its window of requests in flight to one, widening it by one per
/// success back to where it was (see ``ConcurrencyLimit``): the end of a pause never releases
/// the whole backlog at once, and the budgets then pace the lane at the limit's rate. Under a cap
/// nobody configured, the window moves to where the lane completes the most requests a second.
public struct LaneQuota: Sendable {
    public private(set) var settings: LaneSettings
    /// The adaptive cap on requests in flight, at most `settings.concurrency`.
    public private(set) var concurrency: ConcurrencyLimit
    /// The current cap on requests in flight: `settings.concurrency`, or less after a 429, a
    /// slowdown, or during a cautious start.
    public var window: Int { concurrency.window }
    public private(set) var inFlight = 0
    /// The token cost of the requests in flight.
    public private(set) var inFlightCost = 0
    /// No request of the lane starts before this time.
    public private(set) var pausedUntil: Timestamp?
    public private(set) var budget: LaneBudget
    public private(set) var share = FairShare()
    /// Tells the lane's quota 429s from its capacity 429s.
    public private(set) var classifier = ThrottleClassifier()
    /// Scales token estimates to what the server reports counting (``TokenCalibration``): the
    /// budgets are charged ``TokenCalibration/charge(_:)`` of each cost.
    public private(set) var calibration = TokenCalibration()

    /// A lane that starts from what an earlier process `learned` on it, when given: its budgets
    /// (``LaneBudget/init(settings:learned:now:)``) and, for a window nobody configured, its window.
    public init(settings: LaneSettings, learned: LearnedBudget? = nil, now: Timestamp) {
        self.settings = settings
        self.concurrency = ConcurrencyLimit(
            cap: settings.concurrency, cautiousStart: settings.cautiousStart, learnedWindow: learned?.window)
        self.budget = LaneBudget(settings: settings, learned: learned, now: now)
    }

    /// What the lane knows of its server now, to be kept for the next process; nil when it knows
    /// no limit (nothing measured or announced).
    public func learned(now: Timestamp) -> LearnedBudget? {
        let perMinute = budget.learnedPerMinute
        let learned = LearnedBudget(
            requestsPerMinute: perMinute.requests, tokensPerMinute: perMinute.tokens, window: window,
            learnedAt: now)
        return learned.knowsALimit ? learned : nil
    }

    /// Applies new settings (a job with its own `--concurrency`, `--rpm` or `--tpm` joined the lane);
    /// the budgets start over only when a configured limit changed.
    public mutating func reconfigure(_ settings: LaneSettings, now: Timestamp) {
        guard settings != self.settings else { return }
        if settings.rpm != self.settings.rpm || settings.tpm != self.settings.tpm {
            budget = LaneBudget(settings: settings, now: now)
        }
        concurrency.setCap(settings.concurrency)
        self.settings = settings
    }

    /// Tries to start a request of `cost` tokens for job `tenant`. Either the request starts (it
    /// holds a slot and its cost is charged) or the job is marked as waiting for its turn.
    public mutating func tryStart(tenant: Int64, cost: Int, now: Timestamp) -> Bool {
        share.setWaiting(tenant, true)
        guard inFlight < window, pausedUntil.map({ $0 <= now }) ?? true,
            budget.wait(cost: calibration.charge(cost), now: now) == .zero, share.mayStart(tenant)
        else { return false }
        inFlight += 1
        if inFlight >= window { concurrency.windowFilled() }
        inFlightCost += cost
        budget.charge(cost: calibration.charge(cost), now: now)
        share.started(tenant)
        return true
    }

    /// A request (of `cost` tokens) frees its slot. A success, answered after `latency` (when
    /// known) with the lane's others in flight, is a sample of the lane's goodput, which moves the
    /// window (see ``ConcurrencyLimit``).
    public mutating func finished(succeeded: Bool, latency: Duration? = nil, cost: Int = 0) {
        if succeeded { concurrency.record(latency: latency, inFlight: inFlight) }
        inFlight = max(0, inFlight - 1)
        inFlightCost = max(0, inFlightCost - cost)
    }

    /// Learns from an answer's rate-limit headers; `cost` is what the server admitted on a success.
    public mutating func observe(_ headers: RateLimitHeaders, success: Bool, cost: Int, now: Timestamp) {
        // Called before the answer's request frees its slot: the others are the rest.
        let others = (requests: max(0, inFlight - 1), tokens: max(0, inFlightCost - cost))
        budget.observe(
            headers, success: success, cost: calibration.charge(cost),
            othersInFlight: (others.requests, calibration.charge(others.tokens)), now: now)
        if success { classifier.admitted() }
    }

    /// A success whose whole estimate (`estimated`) was prompt, and whose server reported counting
    /// `promptTokens` (``TokenCalibration/record(estimated:reported:)``).
    public mutating func reported(estimated: Int, promptTokens: Int) {
        calibration.record(estimated: estimated, reported: promptTokens)
    }

    /// A 429 answered to a request of `cost`, to be retried at `until`: classified by
    /// ``ThrottleClassifier``. A quota 429 pauses and narrows the lane
    /// (``throttled(until:headers:now:)``); a capacity 429 leaves the lane as it is, and only its
    /// request waits.
    public mutating func answeredThrottled(
        _ signal: ThrottleSignal, cost: Int, until: Timestamp, now: Timestamp
    ) -> ThrottleCause {
        let cause = classifier.classify(
            signal, budgetHoldsQuota: budget.holdsQuota(cost: calibration.charge(cost), now: now))
        if cause.pausesLane {
            calibration.distrust()
            throttled(until: until, headers: signal.headers, now: now)
        }
        return cause
    }

    /// A quota 429: pauses the lane until `until` (a later pause wins), narrows its window to one and
    /// empties its budgets.
    public mutating func throttled(until: Timestamp, headers: RateLimitHeaders, now: Timestamp) {
        // The last pause that is over: what the server admitted before its end is not a measure.
        let resumedAt = pausedUntil.flatMap { $0 <= now ? $0 : nil }
        pausedUntil = max(pausedUntil ?? until, until)
        concurrency.throttled()
        budget.throttled(headers, resumedAt: resumedAt, now: now)
    }

    /// Whether every slot is taken (only a finished request lets the next one start).
    public var isFull: Bool { inFlight >= window }

    /// When a request of `cost` could start as far as time is concerned (pause and budgets), or nil
    /// when the lane is full and only a finished request can free a slot.
    public func wakeup(cost: Int, now: Timestamp) -> Timestamp? {
        guard !isFull else { return nil }
        let resume = max(pausedUntil ?? now, now)
        return resume.advanced(by: budget.wait(cost: calibration.charge(cost), now: resume))
    }

    public mutating func join(tenant: Int64, weight: Int) { share.join(tenant, weight: weight) }
    /// Job `tenant` left the lane. When it was the last, the adaptive window starts over for the
    /// next job (its answers may take quite another time); budgets and a pause are the server's
    /// and stay.
    public mutating func leave(tenant: Int64) {
        share.leave(tenant)
        if share.tenantCount == 0 {
            concurrency = ConcurrencyLimit(cap: settings.concurrency, cautiousStart: settings.cautiousStart)
        }
    }
    /// The job has nothing ready for this lane now.
    public mutating func idle(tenant: Int64) { share.setWaiting(tenant, false) }
}
