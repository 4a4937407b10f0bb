import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension AsyncHTTPTransport {
    /// A response's whole body in one array, reserved by its `Content-Length` when it is given:
    /// each piece is copied once, into the array returned (collecting into a `ByteBuffer` first
    /// copied an answer of megabytes twice, the second time into freshly faulted pages).
    ///
    /// Throws `NIOTooManyBytesError` once the body is larger than `limit` (an announced length
    /// over it fails before anything is read), as `collect(upTo:)` does.
    static func collectBytes(_ response: HTTPClientResponse, upTo limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        if let length = response.headers.first(name: "content-length").flatMap({ Int($0) }) {
            guard length <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            // A compressed answer announces its compressed length: then a hint only.
            bytes.reserveCapacity(length)
        }
        for try await piece in response.body {
            guard piece.readableBytes <= limit - bytes.count else {
                throw NIOTooManyBytesError(maxBytes: limit)
            }
            bytes.append(contentsOf: piece.readableBytesView)
        }
        return bytes
    }
}
