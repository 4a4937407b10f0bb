/// Formats durations the way OpenAI's `x-ratelimit-reset-*` headers do (Go style): `12ms`, `1.5s`, `6m0s`.
enum DurationFormatting {
    /// Formats `nanoseconds` (clamped at 0) as `Nms` below one second, `N.Ns` below one minute,
    /// and `XmYs` / `XhYmZs` above.
    static func goStyle(nanoseconds: Int64) -> String {
        let ns = max(0, nanoseconds)
        if ns < 1_000_000_000 {
            let ms = (ns + 999_999) / 1_000_000
            return "\(ms)ms"
        }
        let totalSeconds = Double(ns) / 1e9
        if totalSeconds < 60 {
            return trimmed(totalSeconds) + "s"
        }
        let whole = Int(totalSeconds.rounded(.up))
        let hours = whole / 3600
        let minutes = (whole % 3600) / 60
        let seconds = whole % 60
        return hours > 0 ? "\(hours)h\(minutes)m\(seconds)s" : "\(minutes)m\(seconds)s"
    }

    /// Up to three decimals, trailing zeros removed: 1.5 → "1.5", 2.0 → "2", 1.2345 → "1.235".
    private static func trimmed(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded(.up))
        let whole = millis / 1000
        var fraction = millis % 1000
        if fraction == 0 { return "\(whole)" }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }
}
