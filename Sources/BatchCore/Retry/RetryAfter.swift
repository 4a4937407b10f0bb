import Foundation

/// Reads how long a server asked the client to wait, from its answer's headers.
///
/// Order of preference, as in the official SDKs: `retry-after-ms` (milliseconds), then
/// `retry-after` as seconds (fractions allowed), then `retry-after` as an HTTP date. Values
/// that are negative, not numbers, or not finite are ignored, never trusted.
public enum RetryAfter {
    /// The requested wait, or `nil` when the headers ask for none that can be trusted.
    ///
    /// - Parameters:
    ///   - headers: the answer's headers; names are compared case-insensitively.
    ///   - now: the current time, to turn an HTTP date into a wait.
    public static func parse(_ headers: HTTPHeaderFields, now: Timestamp) -> Duration? {
        if let text = headers["retry-after-ms"], let millis = Double(text.trimmed), millis.isFinite,
            millis >= 0
        {
            return .milliseconds(Int64(millis.rounded(.up)))
        }
        guard let text = headers["retry-after"]?.trimmed, !text.isEmpty else { return nil }
        if let seconds = Double(text) {
            guard seconds.isFinite, seconds >= 0 else { return nil }
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        if let date = httpDate(text) {
            let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.up)) - now.milliseconds
            return .milliseconds(max(0, millis))
        }
        return nil
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form RFC 9110 requires.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
