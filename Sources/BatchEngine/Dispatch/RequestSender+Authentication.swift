import BatchCore
import BatchTransport

/// The endpoint refused a request sent with freshly fetched credentials (a second 401): no
/// further request can succeed until the credential or its role assignment is fixed.
struct CredentialRefused: Error, Sendable {
    /// What the endpoint said: its error code and message (never the request's headers).
    let detail: String
}

extension RequestSender {
    /// Sends `content` to `url` with the endpoint's authentication headers and returns the answer
    /// and when it was sent.
    ///
    /// A 401 to a credential that refreshes (Entra ID) is not an outcome of the request: the
    /// credential drops the token it was sent with and the request goes once more with a new one,
    /// the first answer not counted as an attempt. A second 401 throws ``CredentialRefused``.
    /// A credential that cannot give headers throws its error (``TokenFailure``).
    func sendAuthenticated(url: String, content: RequestBody, contentType: String, timeout: Duration)
        async throws -> (answer: HTTPAnswer, sentAt: Timestamp)
    {
        let credential = endpoint.credential
        var refused = false
        while true {
            var headers = try await credential.authenticationHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "User-Agent", value: "batchd/0.1")
            let sentAt = clock.now
            let answer = try await transport.send(
                OutboundRequest(url: url, headers: headers, content: content), timeout: timeout)
            guard answer.status == 401, credential.refreshes else { return (answer, sentAt) }
            if refused {
                let code = ResponseBody.errorCode(answer.body) ?? "401"
                let message = ResponseBody.errorMessage(answer.body).map { ": \($0)" } ?? ""
                throw CredentialRefused(
                    detail: "the endpoint refused a freshly fetched token (HTTP 401 \(code)\(message))")
            }
            refused = true
            await credential.rejected(headers)
        }
    }

    /// What a send that threw becomes, for a line and a pack alike: cancelled when the task was
    /// (whatever the error), `authFailed` when no credential could be had or a fresh one was
    /// refused (nothing recorded, the job pauses), else a failed attempt.
    static func result(of error: any Error) -> Result {
        switch error {
        case is CancellationError:
            return .cancelled
        case let refused as CredentialRefused:
            return .authFailed(refused.detail)
        case _ where Task.isCancelled:
            return .cancelled
        case let failure as TokenFailure:
            return .authFailed(failure.description)
        case let failure as TransportFailure:
            return .attempt(.failure(failure))
        default:
            return .attempt(.failure(TransportFailure(kind: .other, message: "\(error)")))
        }
    }
}
