import BatchCore
import BatchMetrics
import Testing

/// When a scrape reads the jobs by state, and when it serves the last count.
@Suite("Metrics: jobs by state, read at most once a second")
struct JobCensusRuleTests {
    let start = Timestamp(milliseconds: 1_000_000)

    @Test("the first scrape reads; later ones serve the count, and one read starts once it is stale")
    func staleCountsRefreshOnce() {
        var rule = JobCensusRule()
        #expect(rule.scrape(now: start) == .read)
        rule.read([.running: 2], now: start)
        #expect(
            rule.scrape(now: start.advanced(by: .milliseconds(999))) == .serve([.running: 2], refresh: false))
        let stale = start.advanced(by: .seconds(1))
        #expect(rule.scrape(now: stale) == .serve([.running: 2], refresh: true))
        #expect(rule.scrape(now: stale) == .serve([.running: 2], refresh: false), "one read at a time")
        rule.read([.running: 1, .completed: 1], now: stale.advanced(by: .milliseconds(300)))
        #expect(
            rule.scrape(now: stale.advanced(by: .milliseconds(400)))
                == .serve([.running: 1, .completed: 1], refresh: false))
    }

    @Test("a failed read keeps the last count and lets the next scrape try again")
    func failedRead() {
        var rule = JobCensusRule()
        _ = rule.scrape(now: start)
        rule.read(nil, now: start)
        #expect(rule.scrape(now: start) == .read, "nothing known yet: read again")
        rule.read([.queued: 3], now: start)
        let later = start.advanced(by: .seconds(5))
        #expect(rule.scrape(now: later) == .serve([.queued: 3], refresh: true))
        rule.read(nil, now: later)
        #expect(rule.scrape(now: later) == .serve([.queued: 3], refresh: true))
    }
}
