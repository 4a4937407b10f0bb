import BatchCore
import Testing

@Suite("Admission window")
struct AdmissionWindowTests {
    static let start = Timestamp(milliseconds: 9_000_000)

    @Test("measures requests and tokens per second over a span")
    func rate() throws {
        var window = AdmissionWindow()
        for ms in stride(from: Int64(0), to: 2000, by: 10) {
            window.add(cost: 3, now: Self.start.advanced(by: .milliseconds(ms)))
        }
        let end = Self.start.advanced(by: .milliseconds(2000))
        let rate = try #require(window.rate(since: Self.start, now: end))
        #expect(abs(rate.requests - 100) < 1)
        #expect(abs(rate.tokens - 300) < 3)
    }

    @Test("forgets what is older than five seconds, and a span under one slot has no rate")
    func forgets() throws {
        var window = AdmissionWindow()
        for ms in stride(from: Int64(0), to: 1000, by: 10) {
            window.add(cost: 1, now: Self.start.advanced(by: .milliseconds(ms)))
        }
        let later = Self.start.advanced(by: .seconds(20))
        window.add(cost: 1, now: later)
        let rate = try #require(window.rate(since: Self.start, now: later.advanced(by: .milliseconds(500))))
        #expect(rate.requests < 1, "only the one recent request counts")
        #expect(window.rate(since: later, now: later) == nil)
    }
}
