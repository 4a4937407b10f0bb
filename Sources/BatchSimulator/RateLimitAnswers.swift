import NIOHTTP1

/// The rate-limit headers and 429 bodies, in Azure or OpenAI flavour.
struct RateLimitAnswers: Sendable {
    let style: RateLimitStyle
    let rpm: Int?
    let tpm: Int?

    /// Adds the headers every answer gets when limits are configured: `x-ratelimit-remaining-*`,
    /// plus `x-ratelimit-limit-*` and `x-ratelimit-reset-*` in OpenAI style.
    func addHeaders(_ decision: RateLimiter.Decision, to headers: inout HTTPHeaders) {
        if let remaining = decision.remainingRequests {
            headers.add(name: "x-ratelimit-remaining-requests", value: String(remaining))
        }
        if let remaining = decision.remainingTokens {
            headers.add(name: "x-ratelimit-remaining-tokens", value: String(remaining))
        }
        guard style == .openAI else { return }
        if let rpm {
            headers.add(name: "x-ratelimit-limit-requests", value: String(rpm))
            headers.add(
                name: "x-ratelimit-reset-requests",
                value: DurationFormatting.goStyle(nanoseconds: decision.resetRequestsNanoseconds))
        }
        if let tpm {
            headers.add(name: "x-ratelimit-limit-tokens", value: String(tpm))
            headers.add(
                name: "x-ratelimit-reset-tokens",
                value: DurationFormatting.goStyle(nanoseconds: decision.resetTokensNanoseconds))
        }
    }

    /// The 429 for a rejected `decision`, with `retry-after-ms` / `retry-after` and the usual headers.
    func tooManyRequests(
        _ decision: RateLimiter.Decision, operation: APIOperation, model: String, apiVersion: String?,
        requested: Int
    ) -> SimResponse {
        let millis = max(1, (decision.retryAfterNanoseconds + 999_999) / 1_000_000)
        let seconds = max(1, (millis + 999) / 1000)
        let byTokens = decision.limitedBy == "tokens"
        var response: SimResponse
        switch style {
        case .azure:
            let message =
                "Requests to the \(operation.azureOperationName) Operation under Azure OpenAI API version "
                + "\(apiVersion ?? "v1") have exceeded \(byTokens ? "token" : "call") rate limit of your "
                + "current OpenAI S0 pricing tier. Please retry after \(seconds) second\(seconds == 1 ? "" : "s"). "
                + "Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase "
                + "the default rate limit."
            response = SimResponse(
                status: .tooManyRequests,
                json: .object([("error", .object([("code", "429"), ("message", .string(message))]))]))
        case .openAI:
            let (unit, limit, used) =
                byTokens
                ? (
                    "tokens per min (TPM)", tpm ?? 0,
                    max(0, (tpm ?? 0) / 60 - (decision.remainingTokens ?? 0))
                )
                : (
                    "requests per min (RPM)", rpm ?? 0,
                    max(0, (rpm ?? 0) / 60 - (decision.remainingRequests ?? 0))
                )
            let message =
                "Rate limit reached for \(model) in organization org-batchd-sim on \(unit): Limit \(limit), "
                + "Used \(used), Requested \(byTokens ? requested : 1). Please try again in "
                + "\(DurationFormatting.goStyle(nanoseconds: decision.retryAfterNanoseconds))."
            response = ErrorResponses.error(
                .tooManyRequests, code: "rate_limit_exceeded", message: message,
                type: byTokens ? "tokens" : "requests")
        }
        response.headers.add(name: "retry-after-ms", value: String(millis))
        response.headers.add(name: "retry-after", value: String(seconds))
        addHeaders(decision, to: &response.headers)
        return response
    }
}
