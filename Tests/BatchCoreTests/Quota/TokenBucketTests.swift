import BatchCore
import Testing

@Suite("TokenBucket")
struct TokenBucketTests {
    let start = Timestamp(milliseconds: 1_000_000)

    @Test("600 per minute: a burst of one second's worth, then one every 100 ms")
    func perMinute() {
        var bucket = TokenBucket.perMinute(600, now: start, safety: 1)
        for _ in 0..<10 {
            #expect(bucket.wait(for: 1, now: start) == .zero)
            bucket.take(1, now: start)
        }
        #expect(bucket.wait(for: 1, now: start) == .milliseconds(100))
        let later = start.advanced(by: .milliseconds(100))
        #expect(bucket.wait(for: 1, now: later) == .zero)
        bucket.take(1, now: later)
        #expect(bucket.wait(for: 1, now: later.advanced(by: .milliseconds(50))) == .milliseconds(50))
    }

    @Test("the level never exceeds the capacity however long it rests")
    func capacity() {
        var bucket = TokenBucket(ratePerSecond: 5, capacity: 5, now: start)
        bucket.take(5, now: start)
        let rested = start.advanced(by: .seconds(60))
        #expect(bucket.wait(for: 5, now: rested) == .zero)
        bucket.take(5, now: rested)
        #expect(bucket.wait(for: 1, now: rested) == .milliseconds(200))
    }

    @Test("a cost above the capacity waits for a full bucket and is paid back afterwards")
    func oversizedCost() {
        var bucket = TokenBucket(ratePerSecond: 100, capacity: 100, now: start)
        #expect(bucket.wait(for: 250, now: start) == .zero)
        bucket.take(250, now: start)
        #expect(bucket.level == -150)
        #expect(bucket.wait(for: 10, now: start) == .milliseconds(1600))
    }

    @Test("empty and clamp lower the level; setRate keeps it within the new capacity")
    func adjustments() {
        var bucket = TokenBucket(ratePerSecond: 10, capacity: 10, now: start)
        bucket.clamp(toAtMost: 3, now: start)
        #expect(bucket.level == 3)
        bucket.empty(now: start)
        #expect(bucket.level == 0)
        #expect(bucket.wait(for: 1, now: start) == .milliseconds(100))
        var full = TokenBucket(ratePerSecond: 10, capacity: 10, now: start)
        full.setRate(perSecond: 2, capacity: 2, now: start)
        #expect(full.level == 2)
        #expect(full.capacity == 2)
    }
}
