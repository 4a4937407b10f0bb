import BatchCore

/// Sends one HTTP request and returns the answer: the boundary between batchd and the network.
///
/// Implementations: ``AsyncHTTPTransport`` (async-http-client) in production, an in-memory fake in
/// tests. Guarantees: an HTTP answer of any status is returned, never thrown; a failure with no
/// answer is thrown as ``TransportFailure``; cancellation is thrown as `CancellationError`.
public protocol HTTPTransport: Sendable {
    func send(_ request: OutboundRequest, timeout: Duration) async throws -> HTTPAnswer
}

/// A request ready to go on the wire.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: HTTPHeaderFields
    /// What is sent: bytes, or a multipart form streamed from disk.
    public var content: RequestBody

    /// A request whose body is `content`.
    public init(method: String = "POST", url: String, headers: HTTPHeaderFields, content: RequestBody) {
        self.method = method
        self.url = url
        self.headers = headers
        self.content = content
    }

    /// A request whose body is `body`, in memory.
    public init(method: String = "POST", url: String, headers: HTTPHeaderFields, body: [UInt8]) {
        self.init(method: method, url: url, headers: headers, content: .bytes(body))
    }

    /// The in-memory body bytes; empty for a multipart body (use ``content``).
    public var body: [UInt8] {
        get {
            if case .bytes(let bytes) = content { return bytes }
            return []
        }
        set { content = .bytes(newValue) }
    }
}
