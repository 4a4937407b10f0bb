import BatchCore
import BatchDaemon
import BatchEngine
import Testing

@Suite("drop folder: when a file is ready")
struct WatchReadinessTests {
    let start = Timestamp(milliseconds: 1_000_000)
    let quiet: Duration = .seconds(5)

    func seen(_ size: Int64, mtime: Int64 = 1, writing: Bool? = false) -> ReadinessTracker.Observation {
        ReadinessTracker.Observation(size: size, mtimeNanoseconds: mtime, openForWriting: writing)
    }

    @Test("a file written in place is ready only after the quiet period without change")
    func quietPeriod() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        #expect(
            tracker.observe("/in/a.jsonl", seen(10), now: start) == .wait(until: start.advanced(by: quiet)))
        let almost = start.advanced(by: .milliseconds(4999))
        #expect(
            tracker.observe("/in/a.jsonl", seen(10), now: almost) == .wait(until: start.advanced(by: quiet)))
        #expect(tracker.observe("/in/a.jsonl", seen(10), now: start.advanced(by: quiet)) == .ready)
    }

    @Test("a change of size or mtime restarts the quiet period")
    func changeRestarts() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        _ = tracker.observe("/in/a.jsonl", seen(10), now: start)
        let later = start.advanced(by: .seconds(4))
        #expect(
            tracker.observe("/in/a.jsonl", seen(20), now: later) == .wait(until: later.advanced(by: quiet)))
        let touched = later.advanced(by: .seconds(3))
        #expect(
            tracker.observe("/in/a.jsonl", seen(20, mtime: 2), now: touched)
                == .wait(until: touched.advanced(by: quiet)))
        #expect(
            tracker.observe("/in/a.jsonl", seen(20, mtime: 2), now: touched.advanced(by: quiet)) == .ready)
    }

    @Test("a file renamed into the folder is ready at once")
    func renamedIn() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        tracker.renamedIn("/in/a.jsonl", now: start)
        #expect(tracker.observe("/in/a.jsonl", seen(10), now: start) == .ready)
    }

    @Test("a file renamed in after being seen is ready at once too")
    func seenThenRenamed() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        _ = tracker.observe("/in/a.jsonl", seen(10), now: start)
        tracker.renamedIn("/in/a.jsonl", now: start.advanced(by: .seconds(1)))
        #expect(tracker.observe("/in/a.jsonl", seen(10), now: start.advanced(by: .seconds(1))) == .ready)
    }

    @Test("a file open for writing is never ready, however long it is unchanged or even renamed")
    func openForWriting() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        tracker.renamedIn("/in/a.jsonl", now: start)
        for minutes in 0..<10 {
            let now = start.advanced(by: .seconds(Int64(60 * minutes)))
            #expect(tracker.observe("/in/a.jsonl", seen(10, writing: true), now: now) != .ready)
        }
        let closed = start.advanced(by: .seconds(600))
        #expect(
            tracker.observe("/in/a.jsonl", seen(10), now: closed) == .wait(until: closed.advanced(by: quiet)))
        #expect(tracker.observe("/in/a.jsonl", seen(10), now: closed.advanced(by: quiet)) == .ready)
    }

    @Test("once a writer was found, an unknown answer is not a closed file; only a look that finds none is")
    func unknownAfterOpen() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        tracker.renamedIn("/in/a.jsonl", now: start)
        #expect(tracker.observe("/in/a.jsonl", seen(10, writing: true), now: start) != .ready)
        // The probe cannot tell for a while (a failed lease attempt): far longer than the quiet period.
        for seconds in 1...60 {
            let now = start.advanced(by: .seconds(Int64(seconds)))
            #expect(
                tracker.observe("/in/a.jsonl", seen(10, writing: nil), now: now) != .ready,
                "unknown \(seconds) s after the writer was seen")
        }
        let closed = start.advanced(by: .seconds(61))
        #expect(
            tracker.observe("/in/a.jsonl", seen(10), now: closed) == .wait(until: closed.advanced(by: quiet)))
        // Closed once: from then on the quiet period alone decides, unknown answers included.
        #expect(
            tracker.observe("/in/a.jsonl", seen(10, writing: nil), now: closed.advanced(by: quiet)) == .ready)
    }

    @Test("writing lists the files whose writer was found and not since found gone")
    func writingList() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        _ = tracker.observe("/in/a.jsonl", seen(10, writing: true), now: start)
        _ = tracker.observe("/in/b.jsonl", seen(10, writing: nil), now: start)
        #expect(tracker.writing == ["/in/a.jsonl"])
        _ = tracker.observe("/in/a.jsonl", seen(10, writing: nil), now: start.advanced(by: .seconds(1)))
        #expect(tracker.writing == ["/in/a.jsonl"])
        _ = tracker.observe("/in/a.jsonl", seen(10), now: start.advanced(by: .seconds(2)))
        #expect(tracker.writing.isEmpty)
    }

    @Test("unknown writers: the quiet period alone decides")
    func unknownWriters() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        _ = tracker.observe("/in/a.jsonl", seen(10, writing: nil), now: start)
        #expect(
            tracker.observe("/in/a.jsonl", seen(10, writing: nil), now: start.advanced(by: quiet)) == .ready)
    }

    @Test("a file is reported ready once; a new version of it is watched afresh")
    func once() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        tracker.renamedIn("/in/a.jsonl", now: start)
        #expect(tracker.observe("/in/a.jsonl", seen(10), now: start) == .ready)
        #expect(tracker.observe("/in/a.jsonl", seen(10), now: start.advanced(by: .seconds(60))) == .taken)
        #expect(tracker.pending.isEmpty)
        let rewritten = start.advanced(by: .seconds(120))
        #expect(
            tracker.observe("/in/a.jsonl", seen(30, mtime: 9), now: rewritten)
                == .wait(until: rewritten.advanced(by: quiet)))
        #expect(tracker.pending == ["/in/a.jsonl"])
    }

    @Test("forgotten files start over")
    func forget() {
        var tracker = ReadinessTracker(quietPeriod: quiet)
        _ = tracker.observe("/in/a.jsonl", seen(10), now: start)
        _ = tracker.observe("/in/b.jsonl", seen(10), now: start)
        tracker.forgetAll(except: ["/in/b.jsonl"])
        #expect(tracker.pending == ["/in/b.jsonl"])
        let later = start.advanced(by: .seconds(4))
        #expect(
            tracker.observe("/in/a.jsonl", seen(10), now: later) == .wait(until: later.advanced(by: quiet)))
    }
}
