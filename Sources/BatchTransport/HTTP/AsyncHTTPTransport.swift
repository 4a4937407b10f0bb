import AsyncHTTPClient
import BatchCore
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// The production ``HTTPTransport``: one shared async-http-client `HTTPClient` whose connection
/// pool is sized to the concurrency batchd will use (the client's own default is 8 per host).
///
/// A connection that cannot be established fails the requests waiting for it at once: the
/// client's own retrying of connection establishment (until the connect timeout) is off, so a
/// refused connection costs milliseconds, not the timeout, and batchd's retry policy decides what
/// comes next. Such failures say what happened in plain words, naming host and port
/// (``ConnectionFailure``).
public final class AsyncHTTPTransport: StreamingHTTPTransport {
    private let client: HTTPClient
    /// Answers larger than this are cut off and reported as a transport failure.
    public let maximumResponseBytes: Int

    /// - Parameters:
    ///   - connectionsPerHost: the connection pool's size per host; match it to the concurrency.
    ///   - connectTimeout: how long establishing one connection may take.
    public init(
        connectionsPerHost: Int, connectTimeout: Duration = .seconds(10), maximumResponseBytes: Int = 64 << 20
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerHost))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .milliseconds(connectTimeout.wholeMillisecondsRoundedUp))
        configuration.decompression = .enabled(limit: .ratio(100))
        // batchd bootstraps no tracer; without this the client still makes a span per request
        // (parsing the URL again with Foundation to label it) for the global no-op tracer.
        configuration.tracing.tracer = nil
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maximumResponseBytes = maximumResponseBytes
    }

    public func send(_ request: OutboundRequest, timeout: Duration) async throws -> HTTPAnswer {
        let outbound = Self.outbound(request)
        do {
            let response = try await client.execute(
                outbound, timeout: .milliseconds(timeout.wholeMillisecondsRoundedUp))
            let bytes = try await Self.collectBytes(response, upTo: maximumResponseBytes)
            return HTTPAnswer(
                status: Int(response.status.code),
                headers: HTTPHeaderFields(response.headers.map { (name: $0.name, value: $0.value) }),
                body: bytes)
        } catch let error as CancellationError {
            throw error
        } catch {
            try Task.checkCancellation()
            throw Self.failure(for: error, url: request.url)
        }
    }

    /// Streams a 2xx answer's body to `body` piece by piece as it arrives (no size limit: nothing
    /// is kept); other answers are collected (up to 1 MiB) and returned.
    public func stream(_ request: OutboundRequest, timeout: Duration, body: ([UInt8]) async throws -> Void)
        async throws -> HTTPAnswer
    {
        let outbound = Self.outbound(request)
        do {
            let response = try await client.execute(
                outbound, timeout: .milliseconds(timeout.wholeMillisecondsRoundedUp))
            let headers = HTTPHeaderFields(response.headers.map { (name: $0.name, value: $0.value) })
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                var error = try await response.body.collect(upTo: 1 << 20)
                return HTTPAnswer(
                    status: status, headers: headers, body: error.readBytes(length: error.readableBytes) ?? []
                )
            }
            for try await piece in response.body {
                let bytes = Array(piece.readableBytesView)
                do {
                    try await body(bytes)
                } catch {
                    throw ConsumerFailure(underlying: error)
                }
            }
            return HTTPAnswer(status: status, headers: headers, body: [])
        } catch let failure as ConsumerFailure {
            throw failure.underlying
        } catch let error as CancellationError {
            throw error
        } catch {
            try Task.checkCancellation()
            throw Self.failure(for: error, url: request.url)
        }
    }

    /// An error of the caller's `body`, passed through untouched.
    private struct ConsumerFailure: Error {
        var underlying: any Error
    }

    private static func outbound(_ request: OutboundRequest) -> HTTPClientRequest {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for field in request.headers.fields {
            outbound.headers.add(name: field.name, value: field.value)
        }
        switch request.content {
        case .bytes(let bytes) where bytes.isEmpty && request.method == "GET":
            break  // a GET (managed identity's token endpoints) carries no body
        case .bytes(let bytes):
            outbound.body = .bytes(ByteBuffer(bytes: bytes))
        case .multipart(let form):
            outbound.body = .stream(
                form.chunks().map { ByteBuffer(bytes: $0) }, length: .known(form.contentLength))
        }
        return outbound
    }

    /// Closes every connection. Call once, after the last request.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    static func failure(for error: any Error, url: String) -> TransportFailure {
        if let unreachable = ConnectionFailure.unreachable(error, url: url) {
            return TransportFailure(kind: .unreachable, message: unreachable)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return TransportFailure(kind: .timeout, message: "no answer before the request timeout")
            case .remoteConnectionClosed:
                return TransportFailure(kind: .connection, message: "the server closed the connection")
            default:
                return TransportFailure(kind: .connection, message: "HTTP client error: \(error)")
            }
        }
        if let error = error as? MultipartFileError {
            return TransportFailure(kind: .fileUnavailable, message: error.description)
        }
        if error is NIOTooManyBytesError {
            return TransportFailure(kind: .other, message: "the answer was larger than the limit")
        }
        return TransportFailure(kind: .connection, message: "\(error)")
    }
}
