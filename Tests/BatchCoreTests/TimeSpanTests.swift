import BatchCore
import Testing

@Suite("time spans and points on the command line")
struct TimeSpanTests {
    @Test(
        "a number and a unit",
        arguments: [
            ("90s", 90_000), ("45m", 2_700_000), ("12h", 43_200_000), ("30d", 2_592_000_000),
            ("2w", 1_209_600_000),
        ]
    )
    func spans(text: String, milliseconds: Int64) {
        #expect(TimeSpan(text)?.milliseconds == milliseconds)
    }

    @Test("anything else is refused", arguments: ["", "30", "d", "-1d", "1.5h", "3y", "99999999999999999w"])
    func refused(text: String) {
        #expect(TimeSpan(text) == nil)
    }

    @Test("a point: a span before now, a date at midnight UTC, an ISO 8601 time")
    func points() {
        let now = Timestamp(milliseconds: 1_764_806_400_000)  // 2025-12-04T00:00:00Z
        #expect(TimePoint.parse("1d", now: now)?.milliseconds == now.milliseconds - 86_400_000)
        #expect(TimePoint.parse("2025-12-03", now: now)?.milliseconds == now.milliseconds - 86_400_000)
        #expect(
            TimePoint.parse("2025-12-03T12:00:00Z", now: now)?.milliseconds == now.milliseconds - 43_200_000)
        #expect(TimePoint.parse("yesterday", now: now) == nil)
    }
}
