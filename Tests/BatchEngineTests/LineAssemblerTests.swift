import Testing

@testable import BatchEngine

@Suite("Line assembler")
struct LineAssemblerTests {
    @Test("lines split across pieces are joined; CR and empty lines dropped; the tail comes at finish")
    func pieces() {
        let text = Array("{\"a\":1}\r\n\n{\"b\":22}\n{\"c\":333}".utf8)
        for size in 1...text.count {
            var assembler = LineAssembler()
            var lines: [String] = []
            var start = 0
            while start < text.count {
                let piece = Array(text[start..<min(text.count, start + size)])
                lines += assembler.add(piece).map { String(decoding: $0, as: UTF8.self) }
                start += size
            }
            if let last = assembler.finish() { lines.append(String(decoding: last, as: UTF8.self)) }
            #expect(lines == ["{\"a\":1}", "{\"b\":22}", "{\"c\":333}"], "pieces of \(size)")
        }
    }
}
