import BatchCore
import BatchEngine
import BatchTesting
import Foundation
import Testing

@Suite("OutputFile")
struct OutputFileTests {
    @Test("chunks are appended in order and in full, more of them than one writev takes, large and small")
    func appendsChunks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("out.jsonl")
        let file = try OutputFile(path: path, committedLength: 0)
        try file.append(Array("head\n".utf8))
        var chunks = OutputChunks()
        var expected = Array("head\n".utf8)
        for index in 0..<700 {
            // Every 97th a megabyte: writev may write part of one, and the rest must follow.
            let size = index % 97 == 0 ? 1 << 20 : 1 + index % 13
            let chunk = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: size)
            chunks += chunk
            expected += chunk
        }
        chunks += []
        #expect(chunks.chunks.count == 700)
        try file.append(chunks)
        #expect(file.length == Int64(expected.count))
        #expect(chunks.count == expected.count - 5)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == expected)
    }
}
