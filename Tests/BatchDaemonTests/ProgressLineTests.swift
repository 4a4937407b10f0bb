import BatchCore
import BatchDaemon
import Testing

@Suite("ProgressLine: the daemon's progress log line")
struct ProgressLineTests {
    static let t0 = Timestamp(milliseconds: 1_700_000_000_000)

    @Test("done of total, the rate over the interval, the time left at it, 429s")
    func line() {
        let before = JobCounts(requests: 10_000, succeeded: 1_000, failed: 0, attempts: 1_000, throttled: 5)
        let now = JobCounts(requests: 10_000, succeeded: 1_150, failed: 50, attempts: 1_300, throttled: 12)
        let line = ProgressLine(
            job: 3, previous: (before, Self.t0), current: now, now: Self.t0.advanced(by: .seconds(5)))
        #expect(line.rate == 40)
        #expect(line.etaSeconds == 220)
        #expect(line.text == "job 3: 1,200/10,000 done (12%), 40.0/s, ETA 3m40s, 12 429s")
    }

    @Test("the first look has no rate and no ETA; a stalled job has a rate of 0 and no ETA")
    func firstAndStalled() {
        let counts = JobCounts(requests: 8, succeeded: 2, attempts: 2)
        let first = ProgressLine(job: 1, previous: nil, current: counts, now: Self.t0)
        #expect(first.text == "job 1: 2/8 done (25%), 0 429s")
        let stalled = ProgressLine(
            job: 1, previous: (counts, Self.t0), current: counts, now: Self.t0.advanced(by: .seconds(30)))
        #expect(stalled.rate == 0)
        #expect(stalled.etaSeconds == nil)
        #expect(stalled.text == "job 1: 2/8 done (25%), 0.0/s, 0 429s")
    }

    @Test("long times left read in hours and minutes")
    func hours() {
        let before = JobCounts(requests: 1_000_000, succeeded: 0, attempts: 0)
        let now = JobCounts(requests: 1_000_000, succeeded: 300, attempts: 300)
        let line = ProgressLine(
            job: 9, previous: (before, Self.t0), current: now, now: Self.t0.advanced(by: .seconds(30)))
        #expect(line.etaSeconds == 99_970)
        #expect(line.text.contains("ETA 27h46m"))
    }
}
