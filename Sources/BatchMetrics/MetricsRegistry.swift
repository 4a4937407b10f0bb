import BatchCore
import BatchEngine
import BatchStore
import CoreMetrics
import Prometheus

/// The process's Prometheus registry and what is served from it: the counters and latency
/// histogram of ``EngineMetrics`` (through swift-metrics and swift-prometheus' factory), and
/// gauges read at each scrape: per lane, requests in flight, the window and the learned
/// requests/tokens per minute (absent while unknown); pending lines of the running jobs; jobs by
/// state.
public final class MetricsRegistry: Sendable {
    public let registry = PrometheusCollectorRegistry()
    public let factory: PrometheusMetricsFactory

    /// The latency histogram's buckets, in seconds: 25 ms to 5 min.
    public static let latencyBuckets: [Duration] = [
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        .seconds(120), .seconds(300),
    ]

    /// What the scrape reads from outside the lanes.
    public struct JobsSnapshot: Sendable {
        public var byState: [JobState: Int]
        public var pendingLines: Int

        public init(byState: [JobState: Int], pendingLines: Int) {
            self.byState = byState
            self.pendingLines = pendingLines
        }
    }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
    }

    /// The engine's metrics, made through this registry.
    public func engineMetrics(prices: PriceTable) -> EngineMetrics {
        EngineMetrics(factory: factory, prices: prices)
    }

    /// Sets the gauges from `lanes` (the lanes `engine` saw) and `jobs`, then returns the text
    /// exposition of everything.
    public func exposition(engine: EngineMetrics, lanes: SharedLanes, jobs: JobsSnapshot) -> [UInt8] {
        for key in engine.lanes {
            guard let quota = lanes.quota(key) else { continue }
            let labels = [("endpoint", key.endpoint), ("model", key.model)]
            registry.makeGauge(name: "batchd_lane_in_flight", labels: labels).set(Double(quota.inFlight))
            registry.makeGauge(name: "batchd_lane_window", labels: labels).set(Double(quota.window))
            if let requests = quota.budget.requests {
                registry.makeGauge(name: "batchd_lane_rpm", labels: labels).set(requests.ratePerSecond * 60)
            }
            if let tokens = quota.budget.tokens {
                registry.makeGauge(name: "batchd_lane_tpm", labels: labels).set(tokens.ratePerSecond * 60)
            }
        }
        registry.makeGauge(name: "batchd_pending_lines").set(Double(jobs.pendingLines))
        for state in JobState.allCases {
            registry.makeGauge(name: "batchd_jobs", labels: [("state", state.rawValue)])
                .set(Double(jobs.byState[state] ?? 0))
        }
        return PrometheusHelp.adding(to: registry.emitToBuffer())
    }
}

extension MetricsRegistry {
    /// A server of this registry at `address` for the runs of `environment` (whose
    /// ``RunEnvironment/metrics`` must be `engine`): each scrape reads the lanes, the pending lines
    /// of the jobs `running` returns, and the jobs by state from the store (``JobCensus``: at most
    /// a second old, read in the background, so a scrape does not wait behind the jobs' commits).
    public func server(
        at address: MetricsAddress, engine: EngineMetrics, environment: RunEnvironment,
        running: @escaping @Sendable () -> [JobRunner]
    ) -> MetricsServer {
        let store = environment.store
        let census = JobCensus(clock: environment.clock) { try await store.jobCountsByState() }
        return MetricsServer(address: address) { [self] in
            let byState = await census.current()
            let pending = running().map { $0.progress.snapshot.counts.pending }.reduce(0, +)
            return exposition(
                engine: engine, lanes: environment.lanes,
                jobs: JobsSnapshot(byState: byState, pendingLines: pending))
        }
    }
}
