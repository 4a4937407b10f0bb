import BatchCore
import BatchStore
import DequeModule
import HeapModule

/// The sending side of one job run, as a state machine: which request goes next, when to wake up,
/// when the run is over. It does no I/O and reads no clock; the dispatch loop feeds it events and
/// carries out what it returns.
///
/// The job's requests wait in one queue per lane; the lanes themselves (caps, pauses, budgets and
/// the fair share between jobs) live in ``SharedLanes``, which every job of the process consults.
/// The job's lanes are served round-robin. Retries wait in a heap ordered by due time.
///
/// An answered request frees its lane slot at once, so the wire stays full while its line waits
/// for the next commit (``awaitingCommit``). A crash re-sends at most the requests on the wire and
/// those awaiting their commit; the job keeps at most ``unrecordedLimit`` of them (twice its lanes'
/// concurrency caps) and starts nothing more until a commit makes room, stepping aside in its
/// lanes' fair shares meanwhile so that other jobs use the free slots. Once
/// draining (graceful stop) or stopped (the job cannot go on) nothing new starts, the job leaves
/// its lanes' fair shares, and the run ends when the last request in flight has come back.
public struct DispatchState: Sendable {
    /// Keep at least this many requests loaded ahead, so lanes never starve between pages.
    public var lowWatermark: Int
    /// The job, as a tenant of the shared lanes.
    public let tenant: Int64
    /// The job's weight in each lane's fair share (see ``FairShare``).
    public let weight: Int
    public let lanes: SharedLanes
    var queues: [LaneKey: Deque<DispatchItem>] = [:]
    private var laneOrder: [LaneKey] = []
    private var nextLaneIndex = 0
    private var delayed = Heap<Delayed>()
    private var sequence = 0
    var readyCount = 0
    /// Requests on the wire (a pack counts once).
    public private(set) var inFlight = 0
    /// Input lines on the wire (each line of a pack counts).
    public private(set) var inFlightLines = 0
    /// Packing's per-lane limits and the budget of answer bytes in flight (``DispatchState+Packing``).
    var packing = PackingState()
    /// Answered requests whose lines wait for a commit (see ``answered(_:succeeded:now:)``).
    public private(set) var awaitingCommit = 0
    /// The most lines the job may have unrecorded, on the wire or awaiting their commit:
    /// twice the sum of its lanes' concurrency caps (times the lane's inputs per request, for a
    /// lane that packs embeddings), so that the wire stays full while as many answers wait for a
    /// commit.
    public private(set) var unrecordedLimit = 0
    /// A budget's wakeup comes at least this long after now: a lane paced at 100 requests a second
    /// then wakes every 200 ms and starts the twenty requests its budget has refilled together,
    /// instead of waking once per request (their sends and answers then share the transport's
    /// thread hand-offs). The budgets hold a second's worth, so nothing refilled is lost
    /// meanwhile, and the pace over a second is the same: a fifth of a second's worth at once is
    /// well inside what a provider enforcing over 1 s windows admits. Retries fall due on time.
    public var pacingSlack: Duration = .zero
    /// The highest input line loaded so far; the next page starts after it.
    public private(set) var loadedThroughLine = 0
    public private(set) var inputExhausted = false
    public private(set) var draining = false
    public private(set) var stopReason: BatchdError?
    private let laneSettings: @Sendable (LaneKey) -> LaneSettings
    /// Embedding inputs per request at most, per lane (1: no packing).
    private let packLimit: @Sendable (LaneKey) -> Int

    public init(
        tenant: Int64 = 0, weight: Int = 1, lanes: SharedLanes = SharedLanes(), lowWatermark: Int = 1024,
        packLimit: @escaping @Sendable (LaneKey) -> Int = { _ in 1 },
        laneSettings: @escaping @Sendable (LaneKey) -> LaneSettings
    ) {
        self.tenant = tenant
        self.weight = weight
        self.lanes = lanes
        self.lowWatermark = lowWatermark
        self.packLimit = packLimit
        self.laneSettings = laneSettings
    }

    /// A state whose lanes have only a concurrency cap.
    public init(lowWatermark: Int = 1024, laneConcurrency: @escaping @Sendable (LaneKey) -> Int) {
        self.init(lowWatermark: lowWatermark) { LaneSettings(concurrency: laneConcurrency($0)) }
    }

    /// The lanes the job has joined so far, in the order it joined them.
    public var joinedLanes: [LaneKey] { laneOrder }

    /// Whether the job has joined `lane`.
    public func hasJoined(_ lane: LaneKey) -> Bool { queues[lane] != nil }

    /// Whether the runner should load another page of pending requests.
    public var wantsMoreInput: Bool {
        !inputExhausted && !draining && stopReason == nil && readyCount + delayed.count < lowWatermark
    }

    /// Adds a page of pending requests loaded from the store; an empty page means none are left.
    /// `through`: the page's last line, when lines of it were taken elsewhere (answered from the
    /// answer cache, or held back behind another line: ``AnswerReuse``); the next page starts after it.
    public mutating func load(_ page: [DispatchItem], through line: Int? = nil, now: Timestamp) {
        if page.isEmpty && line == nil { inputExhausted = true }
        if let line { loadedThroughLine = max(loadedThroughLine, line) }
        for item in page {
            loadedThroughLine = max(loadedThroughLine, item.request.line)
            if item.due > now {
                schedule(item)
            } else {
                enqueue(item, now: now)
            }
        }
    }

    /// The next request to send now, if any of the job's lanes lets one start.
    public mutating func next(now: Timestamp) -> DispatchItem? {
        guard !draining, stopReason == nil else { return nil }
        while let first = delayed.min, first.item.due <= now {
            enqueue(delayed.removeMin().item, now: now)
        }
        guard readyCount > 0, !laneOrder.isEmpty else { return nil }
        guard inFlightLines + awaitingCommit < unrecordedLimit else {
            // Nothing may start before a commit: a job waiting for its turn would hold back the
            // other jobs of its lanes, though the slots are free.
            for (key, queue) in queues where !queue.isEmpty { lanes.idle(lane: key, tenant: tenant) }
            return nil
        }
        for offset in 0..<laneOrder.count {
            let index = (nextLaneIndex + offset) % laneOrder.count
            let key = laneOrder[index]
            shrinkHeadPack(in: key)
            guard let candidate = candidate(in: key), answerBudgetAdmits(candidate),
                lanes.tryStart(lane: key, tenant: tenant, cost: candidate.cost, now: now)
            else { continue }
            var head = take(candidate, from: key)
            if queues[key]!.isEmpty { lanes.idle(lane: key, tenant: tenant) }
            nextLaneIndex = (index + 1) % laneOrder.count
            inFlight += 1
            inFlightLines += head.lineCount
            head.answerEstimate = candidate.answerEstimate
            packing.answerBytesInFlight += head.answerEstimate
            return head
        }
        return nil
    }

    /// A request came back: frees its slot. Called alone when it has no line to record (cancelled,
    /// or left pending because the run is stopping); ``answered(_:succeeded:now:)`` calls it too.
    public mutating func finished(_ item: DispatchItem, succeeded: Bool = false, now: Timestamp) {
        lanes.finished(
            lane: item.lane, tenant: tenant, succeeded: succeeded, latency: item.latency,
            cost: item.cost)
        left(item)
    }

    /// `item` is no longer on the wire.
    private mutating func left(_ item: DispatchItem) {
        inFlight -= 1
        inFlightLines -= item.lineCount
        packing.answerBytesInFlight -= item.answerEstimate
    }

    /// A request came back with its final line, now queued for a commit: frees its slot and counts
    /// it in ``awaitingCommit`` until ``recorded(_:)``. A success tells its lane's adaptive window how long
    /// the answer took (``DispatchItem/latency``).
    public mutating func answered(_ item: DispatchItem, succeeded: Bool, now: Timestamp) {
        finished(item, succeeded: succeeded, now: now)
        awaitingCommit += item.lineCount
    }

    /// A commit recorded `count` answered requests.
    public mutating func recorded(_ count: Int) {
        precondition(count <= awaitingCommit, "recorded more requests than were answered")
        awaitingCommit -= count
    }

    /// A request came back and will be retried at `item.due`. `pauseLane` pauses its whole lane
    /// until then too (a quota 429; `headers` say which limit it hit). A 429 goes to
    /// ``throttled(_:signal:now:)`` instead, which tells quota from capacity.
    public mutating func retry(
        _ item: DispatchItem, pauseLane: Bool, headers: RateLimitHeaders = RateLimitHeaders(), now: Timestamp
    ) {
        if pauseLane { lanes.throttled(lane: item.lane, until: item.due, headers: headers, now: now) }
        lanes.finished(lane: item.lane, tenant: tenant, succeeded: false, cost: item.cost)
        left(item)
        var item = item
        item.answerEstimate = 0
        if !draining && stopReason == nil { schedule(item) }
    }

    /// A request came back with a 429 and will be retried at `item.due`. Its lane classifies the
    /// 429 (``ThrottleClassifier``): a quota 429 pauses the whole lane until then too, a capacity
    /// 429 only this request. Returns the cause.
    @discardableResult
    public mutating func throttled(_ item: DispatchItem, signal: ThrottleSignal, now: Timestamp)
        -> ThrottleCause
    {
        let cause =
            lanes.answeredThrottled(
                lane: item.lane, signal: signal, cost: item.cost, until: item.due, now: now)
            ?? .capacity(.lone)
        retry(item, pauseLane: false, now: now)
        return cause
    }

    /// Stops starting requests (graceful stop); requests in flight still complete. The job's share
    /// of its lanes goes to the other jobs at once.
    public mutating func drain() {
        draining = true
        lanes.unregister(tenant: tenant)
    }

    /// Stops the job: nothing more can succeed. Its share of its lanes goes to the other jobs.
    public mutating func stop(_ reason: BatchdError) {
        if stopReason == nil { stopReason = reason }
        lanes.unregister(tenant: tenant)
    }

    /// When something becomes sendable without another event: a retry falls due, a pause ends or a
    /// budget refills. (A freed slot or another job's turn arrives as an event instead.) A lane's
    /// wakeup comes no sooner than ``pacingSlack`` from now.
    public func nextWakeup(now: Timestamp) -> Timestamp? {
        guard !draining, stopReason == nil else { return nil }
        var earliest = delayed.min?.item.due
        let soonest = now.advanced(by: pacingSlack)
        for (key, queue) in queues {
            guard !queue.isEmpty, let head = candidate(in: key),
                let wake = lanes.wakeup(lane: key, cost: head.cost, now: now), wake > now
            else { continue }
            earliest = min(earliest ?? max(wake, soonest), max(wake, soonest))
        }
        return earliest
    }

    /// Whether answers may wait for the next budget wakeup instead of waking the loop each: every
    /// lane with requests queued waits on time (its budget or a pause, not a free slot) and its
    /// wakeup is due within `within`. An answer then frees a slot nobody is waiting for, so it is
    /// handled, with the others of those milliseconds, at that wakeup (at most `within` later).
    ///
    /// False while draining or stopped, with nothing queued (the last answers end the run), or when
    /// some lane is held by its window (a freed slot starts its next request).
    public func answersMayWait(now: Timestamp, within: Duration) -> Bool {
        guard !draining, stopReason == nil else { return false }
        let latest = now.advanced(by: within)
        var anyQueued = false
        for (key, queue) in queues where !queue.isEmpty {
            guard let head = candidate(in: key),
                let wake = lanes.wakeup(lane: key, cost: head.cost, now: now),
                wake > now, wake <= latest
            else { return false }
            anyQueued = true
        }
        return anyQueued
    }

    /// Whether the run is over: nothing in flight, and nothing left to send or no sending allowed.
    /// Answers awaiting their commit do not count: the caller commits them after the run.
    public var isFinished: Bool {
        guard inFlight == 0 else { return false }
        if draining || stopReason != nil { return true }
        return inputExhausted && readyCount == 0 && delayed.isEmpty
    }

    /// Learns from the rate-limit headers of an answer to a request of `lane`; a success also
    /// tells the lane the server admitted the request's cost.
    public mutating func observe(
        lane: LaneKey, headers: RateLimitHeaders, success: Bool, cost: Int = 0, now: Timestamp
    ) {
        lanes.observe(lane: lane, headers: headers, success: success, cost: cost, now: now)
    }

    /// A success on `lane` whose whole estimate was prompt, and the prompt tokens its server
    /// reported counting: calibrates the lane's estimates (``TokenCalibration``).
    public mutating func reported(lane: LaneKey, estimated: Int, promptTokens: Int) {
        lanes.reported(lane: lane, estimated: estimated, promptTokens: promptTokens)
    }

    private mutating func enqueue(_ item: DispatchItem, now: Timestamp) {
        if queues[item.lane] == nil {
            let settings = laneSettings(item.lane)
            queues[item.lane] = []
            laneOrder.append(item.lane)
            lanes.join(
                lane: item.lane, tenant: tenant, weight: weight, settings: settings, now: now)
            // A lane whose lines may be packed holds up to its pack size of lines per request.
            let perRequest = item.packing == nil && !item.isPack ? 1 : packLimit(item.lane)
            packing.inputLimit[item.lane] = perRequest
            unrecordedLimit += 2 * settings.concurrency * perRequest
        }
        queues[item.lane]!.append(item)
        readyCount += 1
    }

    private mutating func schedule(_ item: DispatchItem) {
        sequence += 1
        delayed.insert(Delayed(item: item, sequence: sequence))
    }
}
/// A retry waiting for its due time; ties keep their order of arrival.
private struct Delayed: Comparable, Sendable {
    var item: DispatchItem
    var sequence: Int

    static func < (lhs: Delayed, rhs: Delayed) -> Bool {
        (lhs.item.due, lhs.sequence) < (rhs.item.due, rhs.sequence)
    }

    static func == (lhs: Delayed, rhs: Delayed) -> Bool {
        lhs.item.due == rhs.item.due && lhs.sequence == rhs.sequence
    }
}
