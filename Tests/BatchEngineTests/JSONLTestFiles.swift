import Foundation

/// Temporary files for reader tests, removed when the value is dropped.
final class TemporaryFile {
    let path: String

    init(_ bytes: [UInt8]) throws {
        path = NSTemporaryDirectory() + "batchd-reader-\(UUID().uuidString).jsonl"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    convenience init(_ text: String) throws {
        try self.init(Array(text.utf8))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// What a reader should deliver for a line: number, offset, length, and text (nil if overlong).
struct ExpectedLine: Equatable, CustomStringConvertible {
    var number: Int
    var offset: Int64
    var length: Int
    var text: [UInt8]?

    var description: String {
        "#\(number)@\(offset)+\(length) \(text.map { String(decoding: $0, as: UTF8.self).debugDescription } ?? "nil")"
    }

    /// A straightforward reference splitter the streaming reader must agree with.
    static func reference(_ data: [UInt8], maxLineBytes: Int) -> [ExpectedLine] {
        var start = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lines: [ExpectedLine] = []
        var number = 1
        while start < data.count {
            let newline = data[start...].firstIndex(of: 0x0A)
            var stop = newline ?? data.count
            if stop > start && data[stop - 1] == 0x0D { stop -= 1 }
            let bytes = Array(data[start..<stop])
            if bytes.count > maxLineBytes {
                lines.append(
                    ExpectedLine(number: number, offset: Int64(start), length: bytes.count, text: nil))
            } else if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                lines.append(
                    ExpectedLine(number: number, offset: Int64(start), length: bytes.count, text: bytes))
            }
            number += 1
            start = (newline ?? data.count) + 1
        }
        return lines
    }
}
