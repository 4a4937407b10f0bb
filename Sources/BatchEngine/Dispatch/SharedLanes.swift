import BatchCore
import Synchronization

/// The lanes of this process, shared by every job it runs: one ``LaneQuota`` per (endpoint, model),
/// so two jobs on one deployment split its limits instead of each spending all of it.
///
/// A thin, thread-safe shell around the pure ``LaneQuota`` values. When a lane frees a slot or
/// gives another job its turn, the jobs waiting on it are woken through the callback they
/// registered (their dispatch loop then tries again); waking is done outside the lock.
public final class SharedLanes: Sendable {
    private struct State {
        var lanes: [LaneKey: LaneQuota] = [:]
        var wakers: [Int64: @Sendable () -> Void] = [:]
        /// Budgets learned by earlier processes, for lanes not created yet.
        var seeds: [LaneKey: LearnedBudget] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers job `tenant` with the callback that wakes its dispatch loop.
    public func register(tenant: Int64, wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.wakers[tenant] = wake }
    }

    /// Removes job `tenant` from every lane (it finished, paused, drained or was cancelled), so
    /// the other jobs get its share at once.
    public func unregister(tenant: Int64) {
        let woken = state.withLock { state -> [@Sendable () -> Void] in
            state.wakers[tenant] = nil
            var others: Set<Int64> = []
            for key in Array(state.lanes.keys) {
                others.formUnion(state.lanes[key]!.share.waiting(except: tenant))
                state.lanes[key]!.leave(tenant: tenant)
            }
            return others.compactMap { state.wakers[$0] }
        }
        for wake in woken { wake() }
    }

    /// Adds job `tenant` with `weight` to `lane`, creating the lane with `settings` or applying them
    /// to it when the job brings its own.
    public func join(lane: LaneKey, tenant: Int64, weight: Int, settings: LaneSettings, now: Timestamp) {
        state.withLock { state in
            if state.lanes[lane] == nil {
                state.lanes[lane] = LaneQuota(
                    settings: settings, learned: state.seeds.removeValue(forKey: lane), now: now)
            } else {
                state.lanes[lane]!.reconfigure(settings, now: now)
            }
            state.lanes[lane]!.join(tenant: tenant, weight: weight)
        }
    }

    /// Whether `lane` exists in this process (it then has its own, live, knowledge of the server).
    public func exists(_ lane: LaneKey) -> Bool {
        state.withLock { $0.lanes[lane] != nil }
    }

    /// What an earlier process learned on `lane`: the lane starts from it when it is created
    /// (``LaneQuota/init(settings:learned:now:)``). Ignored for a lane that exists already.
    public func seed(_ lane: LaneKey, learned: LearnedBudget) {
        state.withLock { state in
            if state.lanes[lane] == nil { state.seeds[lane] = learned }
        }
    }

    /// What `lane` knows of its server now, to be kept; see ``LaneQuota/learned(now:)``.
    public func learned(_ lane: LaneKey, now: Timestamp) -> LearnedBudget? {
        state.withLock { $0.lanes[lane]?.learned(now: now) }
    }

    /// Tries to start a request; see ``LaneQuota/tryStart(tenant:cost:now:)``.
    public func tryStart(lane: LaneKey, tenant: Int64, cost: Int, now: Timestamp) -> Bool {
        let (started, woken) = state.withLock { state -> (Bool, [@Sendable () -> Void]) in
            guard state.lanes[lane] != nil else { return (false, []) }
            let started = state.lanes[lane]!.tryStart(tenant: tenant, cost: cost, now: now)
            // Its pass moved on: another job may now be first in line.
            return (started, started ? Self.waiters(state, lane: lane, except: tenant) : [])
        }
        for wake in woken { wake() }
        return started
    }

    /// The job has nothing it may start on `lane` now. If it was waiting for its turn, the jobs
    /// behind it are woken: it no longer holds them back.
    public func idle(lane: LaneKey, tenant: Int64) {
        let woken = state.withLock { state -> [@Sendable () -> Void] in
            guard state.lanes[lane]?.share.isWaiting(tenant) == true else { return [] }
            state.lanes[lane]!.idle(tenant: tenant)
            return Self.waiters(state, lane: lane, except: tenant)
        }
        for wake in woken { wake() }
    }

    /// A request of `lane` came back (answered, to be retried, or abandoned): frees its slot. A success
    /// answered after `latency` feeds the lane's adaptive window.
    public func finished(
        lane: LaneKey, tenant: Int64, succeeded: Bool, latency: Duration? = nil, cost: Int = 0
    ) {
        let woken = state.withLock { state -> [@Sendable () -> Void] in
            state.lanes[lane]?.finished(succeeded: succeeded, latency: latency, cost: cost)
            return Self.waiters(state, lane: lane, except: tenant)
        }
        for wake in woken { wake() }
    }

    /// Learns from an answer's headers; see ``LaneQuota/observe(_:success:cost:now:)``.
    public func observe(lane: LaneKey, headers: RateLimitHeaders, success: Bool, cost: Int, now: Timestamp) {
        state.withLock { $0.lanes[lane]?.observe(headers, success: success, cost: cost, now: now) }
    }

    /// A success whose estimate was all prompt; see ``LaneQuota/reported(estimated:promptTokens:)``.
    public func reported(lane: LaneKey, estimated: Int, promptTokens: Int) {
        state.withLock { $0.lanes[lane]?.reported(estimated: estimated, promptTokens: promptTokens) }
    }

    /// A 429 on `lane`: pauses it until `until`.
    public func throttled(lane: LaneKey, until: Timestamp, headers: RateLimitHeaders, now: Timestamp) {
        state.withLock { $0.lanes[lane]?.throttled(until: until, headers: headers, now: now) }
    }

    /// A 429 on `lane` for a request of `cost`, retried at `until`: classified, and the lane paused
    /// only for a quota 429; see ``LaneQuota/answeredThrottled(_:cost:until:now:)``. Nil when the
    /// lane is unknown.
    public func answeredThrottled(
        lane: LaneKey, signal: ThrottleSignal, cost: Int, until: Timestamp, now: Timestamp
    ) -> ThrottleCause? {
        state.withLock { $0.lanes[lane]?.answeredThrottled(signal, cost: cost, until: until, now: now) }
    }

    /// When a request of `cost` could start on `lane`, time-wise; nil when only a freed slot helps.
    public func wakeup(lane: LaneKey, cost: Int, now: Timestamp) -> Timestamp? {
        state.withLock { $0.lanes[lane]?.wakeup(cost: cost, now: now) }
    }

    /// Whether every slot of `lane` is taken.
    public func isFull(_ lane: LaneKey) -> Bool {
        state.withLock { $0.lanes[lane]?.isFull ?? false }
    }

    /// A copy of a lane's state, for status and tests.
    public func quota(_ lane: LaneKey) -> LaneQuota? {
        state.withLock { $0.lanes[lane] }
    }

    private static func waiters(_ state: State, lane: LaneKey, except tenant: Int64) -> [@Sendable () -> Void]
    {
        guard let quota = state.lanes[lane], quota.share.tenantCount > 1 else { return [] }
        return quota.share.waiting(except: tenant).compactMap { state.wakers[$0] }
    }
}
