import NIOCore
import NIOHTTP1

/// One complete HTTP request as received: head and accumulated body.
struct SimRequest {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: ByteBuffer?
}

/// What the connection handler must do with a request.
indirect enum Outcome: Sendable {
    /// Send `response` after `delay`.
    case respond(SimResponse, delay: TimeAmount)
    /// Close the connection without answering after `delay`.
    case drop(delay: TimeAmount)
    /// Hold the request without answering for `duration`, then close the connection.
    case hang(duration: TimeAmount)
    /// Park the request (``Simulator/holdRequests(after:)``): do the wrapped outcome once released.
    case held(Outcome)
}
