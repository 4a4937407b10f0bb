import BatchDaemon
import BatchEngine
import BatchTesting
import Foundation
import Testing

@Suite("drop folder: the writer check")
struct WatchWriterProbeTests {
    @Test("a file open for writing is reported as such, and not once it is closed")
    func openAndClosed() throws {
        let folder = try TemporaryDirectory()
        let path = folder.write("a.jsonl", lines: ["{}"])
        let probe = WriterProbe()
        let before = probe.isOpenForWriting(path)
        try #require(before != nil, "leases are unavailable here (not the file's owner, or no support)")
        #expect(before == false)
        let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        #expect(probe.isOpenForWriting(path) == true)
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        #expect(probe.isOpenForWriting(path) == true, "a reader does not hide the writer")
        try writer.close()
        #expect(probe.isOpenForWriting(path) == false, "a reader alone is not a writer")
        try reader.close()
    }

    @Test("a missing file is unknown, not free")
    func missing() {
        #expect(WriterProbe().isOpenForWriting("/nonexistent/batchd/a.jsonl") == nil)
    }
}
