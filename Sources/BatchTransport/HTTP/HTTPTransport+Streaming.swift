import BatchCore

/// Answers whose body is handed over in pieces as it arrives (a Batch API output file of up to
/// 200 MB), never held whole.
extension HTTPTransport {
    /// The default for transports that cannot stream (test fakes): the answer is received whole
    /// and handed over as one piece.
    public func streamingDefault(
        _ request: OutboundRequest, timeout: Duration, body: ([UInt8]) async throws -> Void
    ) async throws -> HTTPAnswer {
        var answer = try await send(request, timeout: timeout)
        guard (200..<300).contains(answer.status) else { return answer }
        if !answer.body.isEmpty { try await body(answer.body) }
        answer.body = []
        return answer
    }
}

/// A transport that streams a successful answer's body.
///
/// Guarantees: for a 2xx answer, `body` gets every byte in order, in pieces of whatever size the
/// connection delivers, and the returned answer's body is empty; for any other status nothing is
/// handed to `body` and the answer carries the (small) error body. An error `body` throws is
/// rethrown as it is.
public protocol StreamingHTTPTransport: HTTPTransport {
    func stream(_ request: OutboundRequest, timeout: Duration, body: ([UInt8]) async throws -> Void)
        async throws -> HTTPAnswer
}
