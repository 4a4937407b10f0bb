import NIOHTTP1

/// The 429s the simulator draws at random (``FaultRates/random429``, ``FaultRates/capacity429``),
/// whatever its limits: `retry-after: 1` (and `retry-after-ms: 1000`), no `x-ratelimit-*` headers.
extension RateLimitAnswers {
    /// A 429 worded like the style's rate-limit 429 (as a mock or a proxy sends at random).
    func random429(operation: APIOperation, model: String, apiVersion: String?) -> SimResponse {
        var response: SimResponse
        switch style {
        case .azure:
            let message =
                "Requests to the \(operation.azureOperationName) Operation under Azure OpenAI API version "
                + "\(apiVersion ?? "v1") have exceeded call rate limit of your current OpenAI S0 pricing tier. "
                + "Please retry after 1 second."
            response = SimResponse(
                status: .tooManyRequests,
                json: .object([("error", .object([("code", "429"), ("message", .string(message))]))]))
        case .openAI:
            response = ErrorResponses.error(
                .tooManyRequests, code: "rate_limit_exceeded",
                message: "Rate limit reached for \(model) in organization org-batchd-sim on requests per min "
                    + "(RPM): Limit \(rpm ?? 0), Used \(rpm ?? 0), Requested 1. Please try again in 1s.",
                type: "requests")
        }
        Self.addRetryAfterOneSecond(to: &response)
        return response
    }

    /// A capacity 429, worded as Azure words its peak-load refusals and OpenAI its overloads.
    func capacity429() -> SimResponse {
        var response: SimResponse
        switch style {
        case .azure:
            let message =
                "The system is currently experiencing high demand and cannot process your request. Your "
                + "request exceeds the maximum usage size allowed during peak load. Please retry after 1 second."
            response = SimResponse(
                status: .tooManyRequests,
                json: .object([("error", .object([("code", "429"), ("message", .string(message))]))]))
        case .openAI:
            response = SimResponse(
                status: .tooManyRequests,
                json: .object([
                    (
                        "error",
                        .object([
                            ("message", "The engine is currently overloaded, please try again later."),
                            ("type", "server_error"), ("param", .null), ("code", .null),
                        ])
                    )
                ]))
        }
        Self.addRetryAfterOneSecond(to: &response)
        return response
    }

    private static func addRetryAfterOneSecond(to response: inout SimResponse) {
        response.headers.add(name: "retry-after-ms", value: "1000")
        response.headers.add(name: "retry-after", value: "1")
    }
}
