/// The body of an ``OutboundRequest``: bytes already in memory (JSON requests), or a multipart
/// form whose files are streamed from disk while the request is sent.
public enum RequestBody: Sendable, Equatable {
    case bytes([UInt8])
    case multipart(MultipartBody)

    /// The body's length in bytes (known before sending, so no chunked encoding is needed).
    public var contentLength: Int64 {
        switch self {
        case .bytes(let bytes): Int64(bytes.count)
        case .multipart(let body): body.contentLength
        }
    }

    /// The whole body in memory, files read now (for fakes and tests).
    public func collect() async throws -> [UInt8] {
        switch self {
        case .bytes(let bytes): bytes
        case .multipart(let body): try await body.collect()
        }
    }
}
