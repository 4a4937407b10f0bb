import BatchCore
import BatchTransport
import Synchronization

/// An ``HTTPTransport`` whose answers come from a closure, recording every request it receives.
///
/// The closure gets the request and its call index (0 for the first call); it returns an answer
/// or throws (a ``TransportFailure``, say) as a real transport would.
public final class ScriptedTransport: HTTPTransport {
    public typealias Script = @Sendable (OutboundRequest, Int) async throws -> HTTPAnswer

    private let script: Script
    private let received = Mutex<[OutboundRequest]>([])

    public init(_ script: @escaping Script) {
        self.script = script
    }

    /// Every request received so far, in the order received.
    public var requests: [OutboundRequest] { received.withLock { $0 } }

    public func send(_ request: OutboundRequest, timeout: Duration) async throws -> HTTPAnswer {
        let index = received.withLock { requests in
            requests.append(request)
            return requests.count - 1
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
