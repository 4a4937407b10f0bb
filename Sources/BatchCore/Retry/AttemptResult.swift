/// What came back from one attempt to send a request: an HTTP answer or a transport failure.
public enum AttemptResult: Sendable {
    case answer(HTTPAnswer)
    case failure(TransportFailure)
}

/// An HTTP answer, independent of the HTTP library that received it.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: HTTPHeaderFields
    public var body: [UInt8]
    /// What a scan of `body` found, when one was made already (the sender scans 2xx bodies in its
    /// own task, off the dispatch loop); readers scan the body themselves when it is nil.
    public var bodyScan: BodyScan?
    /// How long the server took, from sending the request to the answer's last byte, when the
    /// sender measured it; it drives the lane's adaptive window (``ConcurrencyLimit``).
    public var latency: Duration?

    public init(
        status: Int, headers: HTTPHeaderFields, body: [UInt8], bodyScan: BodyScan? = nil,
        latency: Duration? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyScan = bodyScan
        self.latency = latency
    }

    /// Whether `body` is exactly one JSON value (from ``bodyScan`` when present).
    public var bodyIsJSON: Bool { bodyScan?.isJSON ?? ResponseBody.isJSONValue(body) }

    /// The token usage the body reports (from ``bodyScan`` when present).
    public var usage: TokenUsage? { bodyScan.map(\.usage) ?? TokenUsage.read(fromBody: body) }

    /// The provider's request id: `x-request-id`, else Azure's `apim-request-id`.
    public var requestID: String? {
        headers["x-request-id"] ?? headers["apim-request-id"]
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// A failure with no HTTP answer: the connection failed, or the answer did not come in time.
public struct TransportFailure: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case timeout
        case connection = "connection_error"
        /// The endpoint could not be reached at all: the connection was refused, or its host name
        /// does not resolve. Says nothing about the request (see ``EndpointReachability``).
        case unreachable = "endpoint_unreachable"
        case other = "transport_error"
        /// A file the request uploads could not be sent (gone, changed or unreadable); final.
        case fileUnavailable = "file_unavailable"
        /// `body.model` cannot be the Azure deployment the URL names (``AzureDeploymentName``);
        /// nothing was sent; final.
        case invalidDeployment = "invalid_deployment"
    }

    public var kind: Kind
    /// What happened, for the errors file. Never contains a credential.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
}
