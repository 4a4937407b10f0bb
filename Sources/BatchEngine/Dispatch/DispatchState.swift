import BatchCore
import BatchStore
import HeapModule

/// The sending side of one job run, as a pure state machine: which request goes next, when to
/// wake up, when the run is over. It does no I/O and reads no clock; ``JobRunner`` feeds it
/// events and carries out what it returns.
///
/// Lanes are served round-robin, each up to its concurrency and never while paused. Retries wait
/// in a heap ordered by due time. Once draining (graceful stop) or stopped (the job cannot go on)
/// nothing new starts; the run ends when the last request in flight has come back.
public struct DispatchState: Sendable {
    /// Keep at least this many requests loaded ahead, so lanes never starve between pages.
    public var lowWatermark: Int
    public private(set) var lanes: [LaneKey: Lane] = [:]
    private var laneOrder: [LaneKey] = []
    private var nextLaneIndex = 0
    private var delayed = Heap<Delayed>()
    private var sequence = 0
    private var readyCount = 0
    public private(set) var inFlight = 0
    /// The highest input line loaded so far; the next page starts after it.
    public private(set) var loadedThroughLine = 0
    public private(set) var inputExhausted = false
    public private(set) var draining = false
    public private(set) var stopReason: (code: String, message: String)?
    private let laneSettings: @Sendable (LaneKey) -> LaneSettings

    public init(lowWatermark: Int = 1024, laneSettings: @escaping @Sendable (LaneKey) -> LaneSettings) {
        self.lowWatermark = lowWatermark
        self.laneSettings = laneSettings
    }

    /// A state whose lanes have only a concurrency cap.
    public init(lowWatermark: Int = 1024, laneConcurrency: @escaping @Sendable (LaneKey) -> Int) {
        self.init(lowWatermark: lowWatermark) { LaneSettings(concurrency: laneConcurrency($0)) }
    }

    /// Whether the runner should load another page of pending requests.
    public var wantsMoreInput: Bool {
        !inputExhausted && !draining && stopReason == nil && readyCount + delayed.count < lowWatermark
    }

    /// Adds a page of pending requests loaded from the store; an empty page means none are left.
    public mutating func load(_ page: [DispatchItem], now: Timestamp) {
        if page.isEmpty { inputExhausted = true }
        for item in page {
            loadedThroughLine = max(loadedThroughLine, item.request.line)
            if item.due > now {
                schedule(item)
            } else {
                enqueue(item, now: now)
            }
        }
    }

    /// The next request to send now, if any lane may send one.
    public mutating func next(now: Timestamp) -> DispatchItem? {
        guard !draining, stopReason == nil else { return nil }
        while let first = delayed.min, first.item.due <= now {
            enqueue(delayed.removeMin().item, now: now)
        }
        guard readyCount > 0, !laneOrder.isEmpty else { return nil }
        for offset in 0..<laneOrder.count {
            let index = (nextLaneIndex + offset) % laneOrder.count
            let key = laneOrder[index]
            if let item = lanes[key]!.takeNext(now: now) {
                nextLaneIndex = (index + 1) % laneOrder.count
                readyCount -= 1
                inFlight += 1
                return item
            }
        }
        return nil
    }

    /// A request came back and was recorded (or left pending because the run is stopping).
    /// `succeeded` widens its lane's window again after a 429 narrowed it.
    public mutating func finished(_ item: DispatchItem, succeeded: Bool = false, now: Timestamp) {
        lanes[item.lane]?.completed(succeeded: succeeded, now: now)
        inFlight -= 1
    }

    /// A request came back and will be retried at `item.due`. `pauseLane` pauses its whole lane
    /// until then too (a 429).
    public mutating func retry(_ item: DispatchItem, pauseLane: Bool, now: Timestamp) {
        lanes[item.lane]?.completed(succeeded: false, now: now)
        inFlight -= 1
        if pauseLane { lanes[item.lane]?.throttled(until: item.due, now: now) }
        if !draining && stopReason == nil { schedule(item) }
    }

    /// Stops starting requests (graceful stop); requests in flight still complete.
    public mutating func drain() {
        draining = true
    }

    /// Stops the job: nothing more can succeed.
    public mutating func stop(code: String, message: String) {
        if stopReason == nil { stopReason = (code, message) }
    }

    /// When something becomes sendable without another event: a retry falls due or a pause ends.
    public func nextWakeup(now: Timestamp) -> Timestamp? {
        guard !draining, stopReason == nil else { return nil }
        var earliest = delayed.min?.item.due
        for lane in lanes.values {
            if let wake = lane.wakeup(now: now) { earliest = min(earliest ?? wake, wake) }
        }
        return earliest
    }

    /// Whether the run is over: nothing in flight, and nothing left to send or no sending allowed.
    public var isFinished: Bool {
        guard inFlight == 0 else { return false }
        if draining || stopReason != nil { return true }
        return inputExhausted && readyCount == 0 && delayed.isEmpty
    }

    /// Learns from the rate-limit headers of an answer to a request of `lane`.
    public mutating func observe(lane: LaneKey, headers: RateLimitHeaders, success: Bool, now: Timestamp) {
        lanes[lane]?.observe(headers, success: success, now: now)
    }

    private mutating func enqueue(_ item: DispatchItem, now: Timestamp) {
        if lanes[item.lane] == nil {
            lanes[item.lane] = Lane(key: item.lane, settings: laneSettings(item.lane), now: now)
            laneOrder.append(item.lane)
        }
        lanes[item.lane]!.ready.append(item)
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
