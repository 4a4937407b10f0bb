import BatchCore
import BatchTesting
import Testing

@testable import BatchSimulator

/// A lane's window against the simulator's server models, in simulated time: a ``ManualClock``
/// moves from one answer to the next, each answer ready when the server's ``ServiceSchedule``
/// says, and the lane's quota starts what its window allows.
@Suite("Lane window against server models")
struct LaneWindowServerTests {
    struct Run {
        var perSecond: Double
        var meanLatencyMs: Double
    }

    /// Sends `requests` through one lane under `settings` to a server of `model` (base latency
    /// 20 ms): requests per second over the run, and the mean latency the server gave.
    static func run(_ model: ServerModel, settings: LaneSettings, requests: Int = 6000) -> Run {
        let clock = ManualClock()
        let start = clock.now
        var quota = LaneQuota(settings: settings, now: start)
        quota.join(tenant: 1, weight: 1)
        var schedule = ServiceSchedule(model: model, latency: .milliseconds(20))
        var inFlight: [(sent: Timestamp, ready: Timestamp)] = []
        var (sent, done, latencyTotal) = (0, 0, 0.0)
        while done < requests {
            let now = clock.now
            while sent < requests, quota.tryStart(tenant: 1, cost: 1, now: now) {
                let delay = schedule.admit(now: UInt64(now.milliseconds) * 1_000_000)
                inFlight.append((now, now.advanced(by: .nanoseconds(delay))))
                sent += 1
            }
            let next = inFlight.indices.min { inFlight[$0].ready < inFlight[$1].ready }!
            let answer = inFlight.remove(at: next)
            clock.advance(to: answer.ready)
            let latency = answer.sent.duration(to: clock.now)
            latencyTotal += latency / .milliseconds(1)
            quota.finished(succeeded: true, latency: latency, cost: 1)
            done += 1
        }
        let seconds = start.duration(to: clock.now) / .seconds(1)
        return Run(perSecond: Double(requests) / seconds, meanLatencyMs: latencyTotal / Double(requests))
    }

    static let adaptive = LaneSettings(concurrency: 64, cautiousStart: true)

    static func fixed(_ model: ServerModel) -> [Int: Run] {
        Dictionary(
            uniqueKeysWithValues: [1, 4, 16, 32, 64].map {
                ($0, run(model, settings: LaneSettings(concurrency: $0)))
            })
    }

    @Test("a batching server: the default reaches 0.95 of the best fixed concurrency")
    func batching() {
        let model = ServerModel.batching(perRequest: .milliseconds(2), maxBatch: 64)
        let best = Self.fixed(model).values.map(\.perSecond).max()!
        let adaptive = Self.run(model, settings: Self.adaptive)
        #expect(adaptive.perSecond >= 0.95 * best, "\(adaptive.perSecond) of \(best) requests/s")
    }

    @Test("a plateauing server: the default reaches 0.95 of the plateau at under twice the unloaded latency")
    func plateau() {
        let model = ServerModel.plateau(slots: 16)
        let fixed = Self.fixed(model)
        let unloaded = fixed[1]!.meanLatencyMs
        #expect(fixed[64]!.meanLatencyMs >= 3 * unloaded, "the cap alone queues")
        let plateau = 16 / 0.020
        let adaptive = Self.run(model, settings: Self.adaptive)
        #expect(adaptive.perSecond >= 0.95 * plateau, "\(adaptive.perSecond) of \(plateau) requests/s")
        #expect(
            adaptive.meanLatencyMs <= 2 * unloaded, "\(adaptive.meanLatencyMs) ms, unloaded \(unloaded) ms")
    }
}
