import BatchCore
import Testing

@Suite("RetryAfter")
struct RetryAfterTests {
    static let now = Timestamp(milliseconds: 1_700_000_000_000)

    private func parse(_ fields: [(String, String)], now: Timestamp = RetryAfterTests.now) -> Duration? {
        RetryAfter.parse(HTTPHeaderFields(fields.map { (name: $0.0, value: $0.1) }), now: now)
    }

    @Test("retry-after-ms wins over retry-after")
    func millisecondsWin() {
        #expect(parse([("retry-after", "10"), ("retry-after-ms", "250")]) == .milliseconds(250))
    }

    @Test(
        "retry-after-ms accepts fractions, rounded up",
        arguments: [("0", Int64(0)), ("1", 1), ("12.3", 13), ("999.9", 1_000), (" 40 ", 40)])
    func millisecondsValues(text: String, expected: Int64) {
        #expect(parse([("retry-after-ms", text)]) == .milliseconds(expected))
    }

    @Test(
        "retry-after in seconds, fractions allowed",
        arguments: [("2", Int64(2_000)), ("1.5", 1_500), ("0.0001", 1), ("0", 0), (" 3 ", 3_000)])
    func seconds(text: String, expected: Int64) {
        #expect(parse([("retry-after", text)]) == .milliseconds(expected))
    }

    @Test("retry-after as an HTTP date is relative to now")
    func httpDate() {
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s after the epoch.
        let date = Timestamp(milliseconds: 784_111_777_000)
        let header = [("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")]
        #expect(parse(header, now: Timestamp(milliseconds: date.milliseconds - 30_000)) == .seconds(30))
        #expect(
            parse(header, now: Timestamp(milliseconds: date.milliseconds - 1_250)) == .milliseconds(1_250))
        #expect(parse(header, now: Timestamp(milliseconds: date.milliseconds + 5_000)) == .zero)
    }

    @Test(
        "negative, non-numeric and non-finite values are ignored",
        arguments: [
            [("retry-after-ms", "-5")], [("retry-after", "-1")], [("retry-after", "soon")],
            [("retry-after", "")], [("retry-after-ms", "inf")], [("retry-after", "nan")],
            [("retry-after-ms", "abc")], [("retry-after", "Sun, 99 Foo 1994 08:49:37 GMT")], [],
        ])
    func ignored(fields: [(String, String)]) {
        #expect(parse(fields) == nil)
    }

    @Test("an untrusted retry-after-ms falls back to retry-after")
    func fallback() {
        #expect(parse([("retry-after-ms", "-5"), ("retry-after", "4")]) == .seconds(4))
        #expect(parse([("retry-after-ms", "garbage"), ("retry-after", "0.5")]) == .milliseconds(500))
    }

    @Test(
        "header names are case-insensitive",
        arguments: [
            ("Retry-After-Ms", "75", Int64(75)), ("RETRY-AFTER-MS", "80", 80), ("Retry-After", "2", 2_000),
            ("RETRY-AFTER", "3", 3_000),
        ])
    func caseInsensitive(name: String, value: String, expected: Int64) {
        #expect(parse([(name, value)]) == .milliseconds(expected))
    }
}
