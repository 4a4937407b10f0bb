import BatchCore
import Testing

@Suite("Fair share between jobs")
struct FairShareTests {
    /// Gives `turns` starts to whichever waiting tenant may start, tenants asking in `order`.
    static func serve(_ share: inout FairShare, turns: Int, order: [Int64]) -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for turn in 0..<turns {
            for offset in order.indices {
                let tenant = order[(turn + offset) % order.count]
                share.setWaiting(tenant, true)
                if share.mayStart(tenant) {
                    share.started(tenant)
                    counts[tenant, default: 0] += 1
                    break
                }
            }
        }
        return counts
    }

    @Test("weights split the starts between waiting jobs", arguments: [(1, 1), (1, 4), (2, 3), (1, 10)])
    func weightedSplit(a: Int, b: Int) {
        var share = FairShare()
        share.join(1, weight: a)
        share.join(2, weight: b)
        let counts = Self.serve(&share, turns: 1100, order: [1, 2])
        let expected = 1100.0 * Double(b) / Double(a + b)
        #expect(abs(Double(counts[2] ?? 0) - expected) <= 2, "\(counts)")
    }

    @Test("a job alone gets every turn; a job that returns gets no credit for its absence")
    func noBankedCredit() {
        var share = FairShare()
        share.join(1, weight: 1)
        share.join(2, weight: 1)
        #expect(Self.serve(&share, turns: 500, order: [1]) == [1: 500], "job 2 never waited")
        let counts = Self.serve(&share, turns: 100, order: [2, 1])
        #expect(counts[1] == 50 && counts[2] == 50, "\(counts)")
    }

    @Test("a job that leaves frees its share at once")
    func leaving() {
        var share = FairShare()
        share.join(1, weight: 1)
        share.join(2, weight: 100)
        share.setWaiting(2, true)
        share.started(2)
        share.setWaiting(1, true)
        share.started(1)
        #expect(!share.mayStart(1), "job 2, heavier, goes first")
        share.leave(2)
        #expect(share.mayStart(1))
        #expect(share.tenantCount == 1)
    }

    @Test("priority maps to weight: p + 1 shares, at least one")
    func weights() {
        #expect(FairShare.weight(priority: 0) == 1)
        #expect(FairShare.weight(priority: 9) == 10)
        #expect(FairShare.weight(priority: -5) == 1)
    }
}
