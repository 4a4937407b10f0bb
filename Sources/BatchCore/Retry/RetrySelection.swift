/// Which final failures `batchctl retry` sends again (`--status`): only failures a retry could
/// fix, whose last attempt was spent (the retry policy's codes: `http_STATUS` for a retryable
/// status, `timeout`, `connection_error`, `transport_error`, `invalid_response_body`).
public enum RetrySelection: String, Sendable, CaseIterable {
    /// 429 answers.
    case throttled = "429"
    /// 5xx answers.
    case serverErrors = "5xx"
    case timeout
    case connection
    /// Every retryable failure (the default).
    case all

    /// Whether a request whose final failure has code `code` (its `last_error`) is sent again.
    public func matches(_ code: String) -> Bool {
        switch self {
        case .throttled: return code == "http_429"
        case .serverErrors:
            guard code.hasPrefix("http_5"), let status = Int(code.dropFirst(5)) else { return false }
            return RetryPolicy.defaultRetryableStatuses.contains(status)
        case .timeout: return code == "timeout"
        case .connection: return code == "connection_error" || code == "transport_error"
        case .all:
            if code.hasPrefix("http_"), let status = Int(code.dropFirst(5)) {
                return RetryPolicy.defaultRetryableStatuses.contains(status)
            }
            return ["timeout", "connection_error", "transport_error", "invalid_response_body"].contains(code)
        }
    }
}
