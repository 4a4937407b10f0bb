import Foundation

/// A span of time as a user writes it on the command line: a number and a unit, `90s`, `45m`,
/// `12h`, `30d` or `2w` (`batchctl clean --older-than 30d`, `list --since 12h`).
public struct TimeSpan: Sendable, Equatable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Parses `text`; `nil` when it is not a whole number followed by `s`, `m`, `h`, `d` or `w`.
    public init?(_ text: String) {
        guard let unit = text.last, let number = Int64(text.dropLast()), number >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1000
        case "m": scale = 60_000
        case "h": scale = 3_600_000
        case "d": scale = 86_400_000
        case "w": scale = 604_800_000
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        milliseconds = value
    }

    public var description: String { "\(milliseconds)ms" }
}

/// A point in time as a user writes it: a span before now (`12h`), a date (`2026-12-01`, midnight
/// UTC), or an ISO 8601 date and time (`2026-12-01T08:30:00Z`).
public enum TimePoint {
    /// The time `text` names, relative to `now`; `nil` when it names none.
    public static func parse(_ text: String, now: Timestamp) -> Timestamp? {
        if let span = TimeSpan(text) { return Timestamp(milliseconds: now.milliseconds - span.milliseconds) }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) {
            return Timestamp(milliseconds: Int64(date.timeIntervalSince1970 * 1000))
        }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) {
            return Timestamp(milliseconds: Int64(date.timeIntervalSince1970 * 1000))
        }
        return nil
    }
}
