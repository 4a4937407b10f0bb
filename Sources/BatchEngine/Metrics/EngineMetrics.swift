import BatchCore
import CoreMetrics
import Synchronization

/// The counters and the latency histogram every job run of this process feeds, through
/// swift-metrics (whatever backend `factory` is: Prometheus in batchd with `--metrics-address`).
///
/// Labels stay few and bounded: `endpoint` and `model` (as configured and as in the input),
/// `status` as a class (`2xx`, `4xx`, `5xx`, `transport`), `kind` (`input`, `output`). No job id,
/// no custom_id, no URL, no credential. Handles are made once per label set and cached.
///
/// `model` comes from the input lines, so a file could name any number of them: the first
/// ``maximumLabelledLanes`` lanes are labelled with their model, later ones share the model label
/// ``otherModel`` (their counters add up there; their gauges are not served).
public final class EngineMetrics: Sendable {
    private let factory: any MetricsFactory
    private let prices: PriceTable
    private let handles = Mutex<[LaneKey: LaneHandles]>([:])

    /// The metric names, as served.
    public enum Name {
        public static let finished = "batchd_requests_finished_total"
        public static let throttled = "batchd_throttled_total"
        public static let retries = "batchd_retries_total"
        public static let tokens = "batchd_tokens_total"
        public static let cost = "batchd_cost_usd_total"
        public static let latency = "batchd_request_duration_seconds"
    }

    /// `prices` prices each answer's tokens at the live tier (the tier batchd sends at).
    public init(factory: any MetricsFactory, prices: PriceTable) {
        self.factory = factory
        self.prices = prices
    }

    /// The most lanes labelled with their own model.
    public static let maximumLabelledLanes = 100
    /// The model label of the lanes beyond ``maximumLabelledLanes``.
    public static let otherModel = "_other"

    /// The lanes answers came back on so far that carry their own labels (their gauges are served
    /// from ``SharedLanes``).
    public var lanes: [LaneKey] { handles.withLock { $0.filter { $0.value.labelled }.map(\.key) } }

    final class LaneHandles: Sendable {
        let finished: [String: Counter]
        let throttled: Counter
        let retries: Counter
        let inputTokens: Counter
        let outputTokens: Counter
        let cost: FloatingPointCounter
        let latency: Timer
        let price: ModelPrice?
        let labelled: Bool

        init(_ lane: LaneKey, labelled: Bool, factory: any MetricsFactory, price: ModelPrice?) {
            let labels = [
                ("endpoint", lane.endpoint), ("model", labelled ? lane.model : EngineMetrics.otherModel),
            ]
            self.labelled = labelled
            finished = Dictionary(
                uniqueKeysWithValues: EngineMetrics.statusClasses.map {
                    (
                        $0,
                        Counter(label: Name.finished, dimensions: labels + [("status", $0)], factory: factory)
                    )
                })
            throttled = Counter(label: Name.throttled, dimensions: labels, factory: factory)
            retries = Counter(label: Name.retries, dimensions: labels, factory: factory)
            inputTokens = Counter(
                label: Name.tokens, dimensions: labels + [("kind", "input")], factory: factory)
            outputTokens = Counter(
                label: Name.tokens, dimensions: labels + [("kind", "output")], factory: factory)
            cost = FloatingPointCounter(label: Name.cost, dimensions: labels, factory: factory)
            latency = Timer(label: Name.latency, dimensions: labels, factory: factory)
            self.price = price
        }
    }

    static let statusClasses = ["2xx", "3xx", "4xx", "5xx", "transport"]

    func lane(_ key: LaneKey) -> LaneHandles {
        if let known = handles.withLock({ $0[key] }) { return known }
        let price = prices.price(of: key.model)?.price
        return handles.withLock { handles in
            if let raced = handles[key] { return raced }
            let labelled = handles.values.count { $0.labelled } < Self.maximumLabelledLanes
            let made = LaneHandles(key, labelled: labelled, factory: factory, price: price)
            handles[key] = made
            return made
        }
    }

    /// An answer came back after `latency` (a 429 counts as throttled), reporting `usage`.
    public func answered(_ lane: LaneKey, status: Int, latency: Duration, usage: TokenUsage?) {
        let handles = self.lane(lane)
        handles.latency.recordNanoseconds(
            Int64(latency.components.seconds) * 1_000_000_000 + latency.components.attoseconds / 1_000_000_000
        )
        if status == 429 { handles.throttled.increment() }
        if let usage {
            handles.inputTokens.increment(by: usage.promptTokens)
            handles.outputTokens.increment(by: usage.completionTokens)
            if let cost = SpendingCap.cost(usage, price: handles.price), cost > 0 {
                handles.cost.increment(by: cost)
            }
        }
    }

    /// A request's line was recorded; `status` is its last answer's status, `nil` without one.
    public func finished(_ lane: LaneKey, status: Int?) {
        let statusClass =
            status.map { (100...599).contains($0) ? "\($0 / 100)xx" : "transport" } ?? "transport"
        self.lane(lane).finished[statusClass == "1xx" ? "transport" : statusClass]?.increment()
    }

    /// A request will be sent again.
    public func retried(_ lane: LaneKey) {
        self.lane(lane).retries.increment()
    }
}
