import BatchCore
import Testing

@Suite("Lane quota")
struct LaneQuotaTests {
    static let start = Timestamp(milliseconds: 7_000_000)

    static func startAll(_ quota: inout LaneQuota, tenant: Int64 = 1, now: Timestamp) -> Int {
        var started = 0
        while quota.tryStart(tenant: tenant, cost: 1, now: now) { started += 1 }
        return started
    }

    @Test("never more than the concurrency in flight; a finished request frees its slot")
    func concurrency() {
        var quota = LaneQuota(settings: LaneSettings(concurrency: 3), now: Self.start)
        quota.join(tenant: 1, weight: 1)
        #expect(Self.startAll(&quota, now: Self.start) == 3)
        #expect(quota.wakeup(cost: 1, now: Self.start) == nil, "full: only a finished request helps")
        quota.finished(succeeded: true)
        #expect(Self.startAll(&quota, now: Self.start) == 1)
    }

    @Test("a 429 pauses the lane, then the window opens one request per success (slow start)")
    func pauseAndSlowStart() {
        var quota = LaneQuota(settings: LaneSettings(concurrency: 4), now: Self.start)
        quota.join(tenant: 1, weight: 1)
        #expect(Self.startAll(&quota, now: Self.start) == 4)
        let until = Self.start.advanced(by: .milliseconds(250))
        quota.throttled(until: until, headers: RateLimitHeaders(), now: Self.start)
        for _ in 0..<4 { quota.finished(succeeded: false) }
        #expect(Self.startAll(&quota, now: Self.start) == 0)
        #expect(quota.wakeup(cost: 1, now: Self.start) == until)
        #expect(Self.startAll(&quota, now: until) == 1, "window narrowed to one")
        quota.finished(succeeded: true)
        #expect(Self.startAll(&quota, now: until) == 2)
        #expect(quota.window == 2)
    }

    @Test("two jobs on one lane take turns by weight")
    func turns() {
        var quota = LaneQuota(settings: LaneSettings(concurrency: 1), now: Self.start)
        quota.join(tenant: 1, weight: 1)
        quota.join(tenant: 2, weight: 3)
        var counts: [Int64: Int] = [:]
        for _ in 0..<400 {
            for tenant: Int64 in [1, 2] where quota.tryStart(tenant: tenant, cost: 1, now: Self.start) {
                counts[tenant, default: 0] += 1
                quota.finished(succeeded: true)
            }
        }
        #expect(abs(Double(counts[2]!) / Double(counts[1]!) - 3) < 0.1, "\(counts)")
    }

    @Test("a job's own limits reconfigure the lane; the same settings change nothing")
    func reconfigure() {
        var quota = LaneQuota(settings: LaneSettings(concurrency: 8), now: Self.start)
        quota.reconfigure(LaneSettings(concurrency: 8), now: Self.start)
        #expect(quota.budget.requests == nil)
        quota.reconfigure(LaneSettings(concurrency: 2, rpm: 60), now: Self.start)
        #expect(quota.window == 2)
        #expect(quota.budget.requests != nil)
    }

    @Test("when its last job leaves, the lane's window starts over; its pause stays")
    func lastTenantLeaves() {
        var quota = LaneQuota(settings: LaneSettings(concurrency: 8, cautiousStart: true), now: Self.start)
        quota.join(tenant: 1, weight: 1)
        quota.join(tenant: 2, weight: 1)
        let until = Self.start.advanced(by: .seconds(5))
        quota.throttled(until: until, headers: RateLimitHeaders(), now: Self.start)
        #expect(quota.window == 1)
        quota.leave(tenant: 1)
        #expect(quota.window == 1, "a job still on the lane keeps what it learned")
        quota.leave(tenant: 2)
        #expect(quota.window == ConcurrencyLimit.initialWindow)
        #expect(quota.pausedUntil == until)
    }

    @Test("a capacity 429 leaves the lane as it is; a quota 429 pauses and narrows it")
    func capacityAndQuota() {
        var quota = LaneQuota(settings: LaneSettings(concurrency: 4, rpm: 6000), now: Self.start)
        quota.join(tenant: 1, weight: 1)
        #expect(Self.startAll(&quota, now: Self.start) == 4)
        let until = Self.start.advanced(by: .seconds(1))
        let wording = quota.answeredThrottled(
            ThrottleSignal(headers: RateLimitHeaders(), bodySaysCapacity: true), cost: 1, until: until,
            now: Self.start)
        #expect(wording == .capacity(.wording))
        quota.finished(succeeded: false)
        #expect(quota.pausedUntil == nil)
        #expect(quota.window == 4)
        #expect(Self.startAll(&quota, now: Self.start) == 1, "its slot is free again at once")
        let exhausted = quota.answeredThrottled(
            ThrottleSignal(headers: RateLimitHeaders(remainingRequests: 0)), cost: 1, until: until,
            now: Self.start)
        #expect(exhausted == .quota(.exhaustedHeader))
        #expect(quota.pausedUntil == until)
        #expect(quota.window == 1)
    }

    @Test("a lone 429 on a lane whose configured budget holds quota is capacity")
    func budgetLeft() {
        var quota = LaneQuota(settings: LaneSettings(concurrency: 4, rpm: 6000), now: Self.start)
        quota.join(tenant: 1, weight: 1)
        _ = quota.tryStart(tenant: 1, cost: 1, now: Self.start)
        quota.observe(RateLimitHeaders(), success: true, cost: 1, now: Self.start)
        let cause = quota.answeredThrottled(
            ThrottleSignal(headers: RateLimitHeaders()), cost: 1, until: Self.start.advanced(by: .seconds(1)),
            now: Self.start)
        #expect(cause == .capacity(.budgetLeft))
        #expect(quota.pausedUntil == nil)
    }
}
