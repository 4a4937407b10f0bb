import Testing

@testable import BatchEngine

@Suite("JSONLReader")
struct JSONLReaderTests {
    /// Reads every line of `path`, copying the bytes out of the callback.
    private func readAll(
        _ path: String, maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20, startOffset: Int64 = 0,
        startLine: Int = 1, limit: Int = .max
    ) throws -> (lines: [ExpectedLine], reader: JSONLReader) {
        let reader = try JSONLReader(
            path: path, startOffset: startOffset, startLine: startLine, maxLineBytes: maxLineBytes,
            chunkSize: chunkSize)
        var lines: [ExpectedLine] = []
        try reader.forEachLine { line in
            lines.append(
                ExpectedLine(
                    number: line.number, offset: line.offset, length: line.length,
                    text: line.bytes.map { Array($0) }))
            return lines.count < limit
        }
        return (lines, reader)
    }

    @Test(arguments: [1, 2, 3, 5, 8, 1 << 20])
    func handlesCRLFBlankLinesAndAFinalLineWithoutNewline(chunkSize: Int) throws {
        let file = try TemporaryFile("{\"a\":1}\r\n\n  \t\r\n{\"b\":2}\n\r\n{\"c\":3}")
        let lines = try readAll(file.path, chunkSize: chunkSize).lines
        #expect(
            lines == [
                ExpectedLine(number: 1, offset: 0, length: 7, text: Array("{\"a\":1}".utf8)),
                ExpectedLine(number: 4, offset: 15, length: 7, text: Array("{\"b\":2}".utf8)),
                ExpectedLine(number: 6, offset: 25, length: 7, text: Array("{\"c\":3}".utf8)),
            ])
    }

    @Test(arguments: [1, 2, 4, 1 << 20])
    func skipsABOMOnlyAtTheStartOfTheFile(chunkSize: Int) throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let file = try TemporaryFile(bom + Array("ab\n".utf8) + bom + Array("cd".utf8))
        let lines = try readAll(file.path, chunkSize: chunkSize).lines
        #expect(
            lines == [
                ExpectedLine(number: 1, offset: 3, length: 2, text: Array("ab".utf8)),
                ExpectedLine(number: 2, offset: 6, length: 5, text: bom + Array("cd".utf8)),
            ])
        let onlyBOM = try TemporaryFile(bom)
        #expect(try readAll(onlyBOM.path, chunkSize: chunkSize).lines.isEmpty)
        let partialBOM = try TemporaryFile([0xEF, 0xBB])
        #expect(try readAll(partialBOM.path, chunkSize: chunkSize).lines.map(\.text) == [[0xEF, 0xBB]])
    }

    @Test(arguments: [1, 3, 10, 11, 16, 100, 1 << 20])
    func overlongLinesAreDeliveredWithoutBytes(chunkSize: Int) throws {
        let long = String(repeating: "x", count: 25)
        let file = try TemporaryFile("short\n\(long)\r\nexactly10!\n0123456789A\r\n\(long)")
        let lines = try readAll(file.path, maxLineBytes: 10, chunkSize: chunkSize).lines
        #expect(
            lines == [
                ExpectedLine(number: 1, offset: 0, length: 5, text: Array("short".utf8)),
                ExpectedLine(number: 2, offset: 6, length: 25, text: nil),
                ExpectedLine(number: 3, offset: 33, length: 10, text: Array("exactly10!".utf8)),
                ExpectedLine(number: 4, offset: 44, length: 11, text: nil),
                ExpectedLine(number: 5, offset: 57, length: 25, text: nil),
            ])
    }

    /// A file mixing line endings, blank lines, long lines and multi-byte text.
    private static func mixedContent() -> [UInt8] {
        var data: [UInt8] = [0xEF, 0xBB, 0xBF]
        for index in 0..<300 {
            let body =
                "{\"custom_id\":\"r\(index)\",\"text\":\"" + String(repeating: "é中", count: index % 17)
                + "\"}"
            data += Array(body.utf8)
            data += index % 3 == 0 ? [0x0D, 0x0A] : [0x0A]
            if index % 29 == 0 { data += Array(" \t\r\n\n".utf8) }
        }
        data += Array("{\"last\":true}".utf8)
        return data
    }

    @Test(arguments: [1, 2, 7, 13, 64, 100, 4096, 1 << 20])
    func agreesWithAReferenceSplitterAcrossChunkBoundaries(chunkSize: Int) throws {
        let data = Self.mixedContent()
        let file = try TemporaryFile(data)
        for maxLineBytes in [40, 1 << 20] {
            let (lines, reader) = try readAll(file.path, maxLineBytes: maxLineBytes, chunkSize: chunkSize)
            #expect(lines == ExpectedLine.reference(data, maxLineBytes: maxLineBytes))
            #expect(reader.bytesConsumed == Int64(data.count))
            #expect(reader.reachedEndOfFile)
        }
    }

    @Test func offsetsReadBackToTheSameBytes() throws {
        let data = Self.mixedContent()
        let file = try TemporaryFile(data)
        let lines = try readAll(file.path, chunkSize: 64).lines
        #expect(lines.count == 301)
        for line in lines {
            #expect(
                try JSONLReader.readLine(path: file.path, offset: line.offset, length: line.length)
                    == line.text)
        }
        #expect(throws: FileReadError.self) {
            try JSONLReader.readLine(path: file.path, offset: Int64(data.count) - 2, length: 5)
        }
    }

    @Test(arguments: [(5, 3), (64, 1), (1 << 20, 150), (9, 300)])
    func resumingFromBytesConsumedGivesTheRemainingLines(chunkSize: Int, stopAfter: Int) throws {
        let data = Self.mixedContent()
        let file = try TemporaryFile(data)
        let all = ExpectedLine.reference(data, maxLineBytes: 1 << 20)
        let (head, first) = try readAll(file.path, chunkSize: chunkSize, limit: stopAfter)
        #expect(head == Array(all.prefix(stopAfter)))
        #expect(!first.reachedEndOfFile)
        let tail = try readAll(
            file.path, chunkSize: chunkSize, startOffset: first.bytesConsumed, startLine: first.nextLineNumber
        ).lines
        #expect(head + tail == all)
        // The same reader continues where it stopped, too.
        var rest: [ExpectedLine] = []
        try first.forEachLine { line in
            rest.append(
                ExpectedLine(
                    number: line.number, offset: line.offset, length: line.length,
                    text: line.bytes.map { Array($0) }))
            return true
        }
        #expect(rest == tail)
    }

    @Test func emptyFileHasNoLines() throws {
        let file = try TemporaryFile([])
        let (lines, reader) = try readAll(file.path)
        #expect(lines.isEmpty)
        #expect(reader.reachedEndOfFile)
        #expect(reader.bytesConsumed == 0)
    }

    @Test func openFailureNamesThePath() {
        #expect {
            try JSONLReader(path: "/nonexistent/dir/in.jsonl", maxLineBytes: 100)
        } throws: { error in
            "\(error)" == "cannot open \"/nonexistent/dir/in.jsonl\": No such file or directory (errno 2)"
        }
    }

    @Test func errorsFromTheBodyPropagate() throws {
        struct Stop: Error {}
        let file = try TemporaryFile("a\nb\n")
        let reader = try JSONLReader(path: file.path, maxLineBytes: 10)
        #expect(throws: Stop.self) { try reader.forEachLine { _ in throw Stop() } }
        #expect(reader.bytesConsumed == 0)
    }
}
