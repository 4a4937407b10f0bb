import BatchCore
import BatchTransport
import Synchronization

/// An ``HTTPTransport`` whose answers come from a closure, recording every request it receives.
///
/// The closure gets the request and its call index (0 for the first call); it returns an answer
/// or throws (a ``TransportFailure``, say) as a real transport would. Like a real transport it
/// reads a multipart body's files while sending: ``bodies`` holds the bytes each request's body
/// produced, and a file that cannot be read fails the send with `file_unavailable`.
public final class ScriptedTransport: HTTPTransport {
    public typealias Script = @Sendable (OutboundRequest, Int) async throws -> HTTPAnswer

    private let script: Script
    private let received = Mutex<[(request: OutboundRequest, body: [UInt8])]>([])

    public init(_ script: @escaping Script) {
        self.script = script
    }

    /// Every request received so far, in the order received.
    public var requests: [OutboundRequest] { received.withLock { $0.map(\.request) } }

    /// The bytes each received request's body produced (multipart files included), in order.
    public var bodies: [[UInt8]] { received.withLock { $0.map(\.body) } }

    public func send(_ request: OutboundRequest, timeout: Duration) async throws -> HTTPAnswer {
        let body: [UInt8]
        do {
            body = try await request.content.collect()
        } catch let error as MultipartFileError {
            throw TransportFailure(kind: .fileUnavailable, message: error.description)
        }
        let index = received.withLock { received in
            received.append((request, body))
            return received.count - 1
        }
        return try await script(request, index)
    }
}

extension HTTPAnswer {
    /// An answer whose body is `json` (UTF-8) and whose headers are `headers`.
    public static func json(_ status: Int, _ json: String, headers: HTTPHeaderFields = [:]) -> HTTPAnswer {
        HTTPAnswer(status: status, headers: headers, body: Array(json.utf8))
    }
}
