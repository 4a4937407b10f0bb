/// A `multipart/form-data` body (RFC 7578) whose file parts stay on disk until sent.
///
/// Guarantees: ``contentLength`` is the exact number of bytes ``chunks()`` produces when every
/// file still has its recorded size; only one chunk (at most ``chunkSize`` bytes) of a file is in
/// memory at a time. Names and file names are sent as quoted strings in which `"`, CR and LF are
/// percent-encoded (RFC 7578 §2, §4.2); other UTF-8 is sent as is.
public struct MultipartBody: Sendable, Equatable {
    /// The boundary between parts (never longer than 70 characters, RFC 2046).
    public let boundary: String
    /// The parts in the order they are sent.
    public let parts: [MultipartPart]
    /// How many bytes of a file are read at once.
    public static let chunkSize = 64 * 1024

    /// Creates a body; by default with a random boundary that does not occur in any text part.
    public init(parts: [MultipartPart], boundary: String? = nil) {
        self.parts = parts
        self.boundary = boundary ?? Self.randomBoundary()
    }

    /// The value of the request's `Content-Type` header.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The body's length in bytes.
    public var contentLength: Int64 {
        segments.reduce(0) { total, segment in
            switch segment {
            case .bytes(let bytes): total + Int64(bytes.count)
            case .file(_, let size): total + size
            }
        }
    }

    /// A piece of the encoded body: literal bytes, or a whole file.
    enum Segment: Equatable {
        case bytes([UInt8])
        case file(path: String, size: Int64)
    }

    /// The body as literal byte runs and files, in order.
    var segments: [Segment] {
        var segments: [Segment] = []
        var pending: [UInt8] = []
        for part in parts {
            pending += Array("--\(boundary)\r\n".utf8)
            switch part {
            case .field(let name, let value):
                pending += Array("Content-Disposition: form-data; name=\(Self.quoted(name))\r\n\r\n".utf8)
                pending += Array(value.utf8)
            case .file(let name, let fileName, let contentType, let path, let size):
                pending += Array(
                    ("Content-Disposition: form-data; name=\(Self.quoted(name)); filename=\(Self.quoted(fileName))\r\n"
                        + "Content-Type: \(contentType)\r\n\r\n").utf8)
                segments.append(.bytes(pending))
                pending = []
                segments.append(.file(path: path, size: size))
            }
            pending += Array("\r\n".utf8)
        }
        pending += Array("--\(boundary)--\r\n".utf8)
        segments.append(.bytes(pending))
        return segments
    }

    /// The encoded body's bytes, produced chunk by chunk; files are read as the sequence is iterated.
    public func chunks() -> MultipartChunks {
        MultipartChunks(segments: segments)
    }

    /// The whole encoded body in memory (tests and small bodies only).
    public func collect() async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in chunks() { out += chunk }
        return out
    }

    /// `"text"` with `"`, CR and LF percent-encoded, as browsers do (RFC 7578 §4.2).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "%22"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
        return "batchd-\(hex)"
    }
}
