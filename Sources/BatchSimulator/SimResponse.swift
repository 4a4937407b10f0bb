import NIOHTTP1

/// An answer the simulator is about to send: status, headers and the complete body.
struct SimResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: [UInt8]

    /// A response with `content-type: application/json` and the serialized `json` body.
    init(status: HTTPResponseStatus, json: JSONValue) {
        self.init(status: status, contentType: "application/json", body: json.serialized)
    }

    /// A response with the given content type and body text.
    init(status: HTTPResponseStatus, contentType: String, body: String) {
        self.init(status: status, contentType: contentType, bytes: Array(body.utf8))
    }

    /// A response with the given content type and binary body.
    init(status: HTTPResponseStatus, contentType: String, bytes: [UInt8]) {
        self.status = status
        self.headers = HTTPHeaders([("content-type", contentType)])
        self.body = bytes
    }
}

/// OpenAI-style error answers: `{"error":{"message":…,"type":…,"param":null,"code":…}}`.
enum ErrorResponses {
    /// An error answer with the usual four fields.
    static func error(
        _ status: HTTPResponseStatus, code: String, message: String, type: String = "invalid_request_error"
    ) -> SimResponse {
        SimResponse(
            status: status,
            json: .object([
                (
                    "error",
                    .object([
                        ("message", .string(message)), ("type", .string(type)), ("param", .null),
                        ("code", .string(code)),
                    ])
                )
            ]))
    }

    static func invalidRequest(_ message: String) -> SimResponse {
        error(.badRequest, code: "invalid_request", message: message)
    }

    static func notFound(_ uri: String) -> SimResponse {
        error(.notFound, code: "unknown_url", message: "Unrecognized request URL (\(uri)).")
    }

    static let invalidAPIKey = error(
        .unauthorized, code: "invalid_api_key",
        message: "Incorrect API key provided. Pass it as `api-key` or `Authorization: Bearer`.")

    static let insufficientQuota = error(
        .tooManyRequests, code: "insufficient_quota",
        message: "You exceeded your current quota, please check your plan and billing details.",
        type: "insufficient_quota")

    static let serverError = error(
        .internalServerError, code: "server_error",
        message: "The server had an error while processing your request (simulated).", type: "server_error")

    static var serviceUnavailable: SimResponse {
        var response = error(
            .serviceUnavailable, code: "service_unavailable",
            message: "The engine is currently overloaded, please try again later (simulated).",
            type: "server_error")
        response.headers.add(name: "retry-after-ms", value: "50")
        return response
    }
}
