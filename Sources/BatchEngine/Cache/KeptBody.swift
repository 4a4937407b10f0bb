import BatchCore
import CompressNIO
import NIOCore

/// The copy of a cached answer kept in the database (`cache_keep_bodies`): the results line's
/// `response` object (status, request id, body), raw deflate.
///
/// Kept so a hit survives its results file being deleted or changed: the line made from it is the
/// one ``ReusedLine`` makes from the file's line. Compressed on the outcome writer's thread with one
/// reused compressor (``Deflater``), inflated only when the file's line cannot be used.
enum KeptBody {
    /// The largest `response` inflated back: a kept body that would grow past it is not used.
    static let inflatedLimit = 64 << 20

    /// Deflates the `response` of results lines, reusing one zlib stream. Not thread-safe: one
    /// per writer, used under its lock.
    final class Deflater {
        private var compressor: ZlibCompressor?

        init() {}

        /// The deflated `response` of `line` (a whole results line), nil when it has none.
        func body(ofLine line: [UInt8]) -> [UInt8]? {
            guard let range = KeptBody.responseRange(ofLine: line) else { return nil }
            return deflate(line[range])
        }

        /// `bytes`, raw deflate; nil if zlib fails.
        func deflate(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
            do {
                let compressor = try self.compressor ?? ZlibCompressor(algorithm: .deflate)
                self.compressor = compressor
                try compressor.reset()
                var input = ByteBuffer(bytes: bytes)
                var output = ByteBuffer()
                output.reserveCapacity(compressor.maxSize(from: input))
                try compressor.deflate(from: &input, to: &output, flush: .finish)
                return output.readBytes(length: output.readableBytes)
            } catch {
                self.compressor = nil
                return nil
            }
        }
    }

    /// The `response` `kept` was deflated from, or nil when it does not inflate (or grows too large).
    static func inflate(_ kept: [UInt8]) -> [UInt8]? {
        var input = ByteBuffer(bytes: kept)
        guard var output = try? input.decompress(with: .deflate(), maxSize: inflatedLimit),
            output.readableBytes > 0
        else { return nil }
        return output.readBytes(length: output.readableBytes)
    }

    /// The byte range of the `response` object in a results line.
    static func responseRange(ofLine line: [UInt8]) -> Range<Int>? {
        guard let members = (try? JSONScanner.topLevelMembers(line)) ?? nil,
            let response = members.last(where: { $0.key == "response" }), response.kind == .object
        else { return nil }
        return response.range
    }
}
