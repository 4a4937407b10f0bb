import BatchCore
import BatchTransport

#if canImport(Glibc)
    import Glibc
#endif

/// Sends one request: reads its line back from the input by offset, checks it is still the line
/// that was ingested, and sends its body to the endpoint.
public struct RequestSender: Sendable {
    /// What one send produced.
    public enum Result: Sendable {
        case attempt(AttemptResult)
        /// The input no longer holds the ingested line at the recorded offset.
        case inputModified(String)
        /// The send was cancelled (hard stop); nothing is recorded for it.
        case cancelled
    }

    public let endpoint: Endpoint
    public let transport: any HTTPTransport
    public let input: InputFile
    public let timeout: Duration
    public let parser: BatchLineParser

    public init(
        endpoint: Endpoint, transport: any HTTPTransport, input: InputFile, timeout: Duration,
        parser: BatchLineParser = BatchLineParser()
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.input = input
        self.timeout = timeout
        self.parser = parser
    }

    public func send(_ item: DispatchItem) async -> Result {
        let request = item.request
        let body: [UInt8]
        let path: APIPath
        do {
            let line = try input.read(offset: request.offset, length: request.length)
            guard case .success(let parsed) = parser.parse(line), parsed.customID == request.customID,
                parsed.model == request.model, parsed.path.rawValue == request.path
            else {
                return .inputModified(
                    "line \(request.line) no longer holds the request with custom_id \(request.customID)")
            }
            body = Array(line[parsed.bodyRange])
            path = parsed.path
        } catch {
            return .inputModified("line \(request.line) cannot be read back: \(error)")
        }
        do {
            var headers = try await endpoint.credential.authenticationHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "User-Agent", value: "batchd/0.1")
            let outbound = OutboundRequest(
                url: endpoint.url(for: path, model: request.model), headers: headers, body: body)
            return .attempt(.answer(try await transport.send(outbound, timeout: timeout)))
        } catch is CancellationError {
            return .cancelled
        } catch let failure as TransportFailure {
            return Task.isCancelled ? .cancelled : .attempt(.failure(failure))
        } catch {
            return Task.isCancelled
                ? .cancelled : .attempt(.failure(TransportFailure(kind: .other, message: "\(error)")))
        }
    }
}

/// A job's input file held open for reading lines back by offset.
public final class InputFile: Sendable {
    public let path: String
    private let fd: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw BatchdError.inputUnreadable(path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// The bytes of one line.
    public func read(offset: Int64, length: Int) throws -> [UInt8] {
        try JSONLReader.readLine(fd: fd, offset: offset, length: length)
    }
}
