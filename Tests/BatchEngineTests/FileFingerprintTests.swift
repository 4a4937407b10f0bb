import Foundation
import Testing

@testable import BatchEngine

@Suite("FileFingerprint and FingerprintHasher")
struct FileFingerprintTests {
    /// Reference digests from the xxHash project's XXH64 (seed 0).
    static let vectors: [([UInt8], UInt64)] = [
        ([], 0xEF46_DB37_51D8_E999),
        (Array("a".utf8), 0xD24E_C4F1_A98C_6E5B),
        (Array("abc".utf8), 0x44BC_2CF5_AD77_0999),
        (Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8), 0x6919_6C1B_3AF0_BFF9),
        ((0..<3).flatMap { _ in (0...255).map { UInt8($0) } } + Array("xyz".utf8), 0xE921_A1B4_5BD7_79F8),
    ]

    @Test(arguments: vectors)
    func matchesXXH64(bytes: [UInt8], digest: UInt64) {
        var hasher = FingerprintHasher()
        hasher.update(bytes)
        #expect(hasher.finalize() == digest)
        #expect(hasher.byteCount == Int64(bytes.count))
    }

    @Test("LineHash is the low 32 bits of the XXH64 digest", arguments: vectors)
    func lineHash(bytes: [UInt8], digest: UInt64) {
        #expect(LineHash.of(bytes) == UInt32(truncatingIfNeeded: digest))
    }

    @Test(arguments: [1, 3, 7, 31, 32, 33, 100])
    func digestDoesNotDependOnHowBytesAreSplit(piece: Int) {
        let bytes = Self.vectors[4].0
        var hasher = FingerprintHasher()
        var index = 0
        while index < bytes.count {
            hasher.update(Array(bytes[index..<min(index + piece, bytes.count)]))
            index += piece
        }
        #expect(hasher.finalize() == Self.vectors[4].1)
    }

    @Test(arguments: [1, 5, 64, 1 << 20])
    func readerHashEqualsTheFileHash(chunkSize: Int) throws {
        var data: [UInt8] = [0xEF, 0xBB, 0xBF]
        for index in 0..<200 { data += Array("{\"i\":\(index)}\r\n\n".utf8) }
        let file = try TemporaryFile(data)
        let reader = try JSONLReader(path: file.path, maxLineBytes: 8, chunkSize: chunkSize)
        try reader.forEachLine { _ in true }
        var direct = FingerprintHasher()
        direct.update(data)
        #expect(reader.hasher.finalize() == direct.finalize())
        #expect(reader.hasher.byteCount == Int64(data.count))
        let computed = try FileFingerprint.compute(path: file.path)
        #expect(computed.hash == direct.finalize())
        #expect(computed.size == Int64(data.count))
    }

    @Test func equalContentEqualHashOneChangedByteDifferentHash() throws {
        let data = Array(String(repeating: "{\"custom_id\":\"x\"}\n", count: 500).utf8)
        var changed = data
        changed[4321] ^= 0x01
        let a = try TemporaryFile(data)
        let b = try TemporaryFile(data)
        let c = try TemporaryFile(changed)
        let hashes = try [a, b, c].map { try FileFingerprint.compute(path: $0.path).hash }
        #expect(hashes[0] == hashes[1])
        #expect(hashes[0] != hashes[2])
    }

    @Test func resumedReadersStillHashEveryByteOnce() throws {
        let data = Array(String(repeating: "{\"k\":\"vvvvvvvvvv\"}\n", count: 100).utf8)
        let file = try TemporaryFile(data)
        let reader = try JSONLReader(path: file.path, maxLineBytes: 100, chunkSize: 256)
        var seen = 0
        try reader.forEachLine { _ in
            seen += 1
            return seen < 10
        }
        try reader.forEachLine { _ in true }
        var direct = FingerprintHasher()
        direct.update(data)
        #expect(reader.hasher.finalize() == direct.finalize())
    }

    @Test func statReportsSizeAndModificationTime() throws {
        let file = try TemporaryFile("12345")
        let before = Int64(Date().timeIntervalSince1970 * 1e9)
        let fingerprint = try FileFingerprint.stat(path: file.path)
        #expect(fingerprint.size == 5)
        #expect(fingerprint.hash == 0)
        #expect(abs(fingerprint.mtimeNanoseconds - before) < 60 * 1_000_000_000)
        #expect(throws: FileReadError.self) { try FileFingerprint.stat(path: file.path + ".missing") }
        let json = try JSONEncoder().encode(fingerprint)
        #expect(try JSONDecoder().decode(FileFingerprint.self, from: json) == fingerprint)
    }
}
