import BatchCore
import BatchEngine
import BatchTesting
import Foundation
import Testing

@Suite("error tally")
struct ErrorTallyTests {
    static func line(_ line: Int, code: String) -> String {
        String(
            decoding: OutputLine.failure(
                id: OutputLine.id(job: 1, line: line), customID: "c\(line)", code: code, message: "m"),
            as: UTF8.self)
    }

    @Test("counts by code, reading only the lines committed since the last call")
    func incremental() throws {
        let folder = try TemporaryDirectory()
        let first = Self.line(1, code: "timeout") + Self.line(2, code: "timeout")
        let second = Self.line(3, code: "cancelled")
        let path = folder.write("job.errors.jsonl", bytes: Array((first + second + "{\"half").utf8))
        var tally = ErrorTally(path: path)

        try tally.update(committedBytes: Int64(first.utf8.count))
        #expect(tally.counts == ["timeout": 2])
        #expect(tally.offset == Int64(first.utf8.count))
        try tally.update(committedBytes: Int64((first + second).utf8.count))
        #expect(tally.counts == ["timeout": 2, "cancelled": 1], "an uncommitted line is not read")
        try tally.update(committedBytes: Int64(first.utf8.count))
        #expect(tally.counts == ["timeout": 2], "a file cut back is counted again")
    }
}
