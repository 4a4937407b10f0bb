import BatchCore
import BatchSimulator
import BatchTesting
import Foundation
import Testing

@testable import BatchTransport

@Suite("Multipart bodies (RFC 7578)")
struct MultipartTests {
    @Test("fields and a file encode to the RFC 7578 shape, with the exact content length")
    func shape() async throws {
        let folder = try TemporaryDirectory()
        let file = folder.write("a.wav", bytes: [0, 1, 2, 0xFF])
        let body = MultipartBody(
            parts: [
                .field(name: "model", value: "whisper-1"),
                .field(name: "timestamp_granularities[]", value: "word"),
                .file(name: "file", fileName: "a.wav", contentType: "audio/wav", path: file, size: 4),
            ], boundary: "XyZ")
        let bytes = try await body.collect()
        let expected: [UInt8] =
            Array(
                ("--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"timestamp_granularities[]\"\r\n\r\nword\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                    + "Content-Type: audio/wav\r\n\r\n").utf8) + [0, 1, 2, 0xFF]
            + Array("\r\n--XyZ--\r\n".utf8)
        #expect(bytes == expected)
        #expect(body.contentLength == Int64(expected.count))
        #expect(body.contentType == "multipart/form-data; boundary=XyZ")
    }

    @Test("quotes, CR and LF in names are percent-encoded; UTF-8 is kept")
    func quoting() {
        #expect(MultipartBody.quoted("a\"b\r\nc é") == "\"a%22b%0D%0Ac é\"")
    }

    @Test("random boundaries differ and fit RFC 2046's 70 characters")
    func boundaries() {
        let first = MultipartBody(parts: []).boundary
        let second = MultipartBody(parts: []).boundary
        #expect(first != second)
        #expect(first.count <= 70)
    }

    @Test("a large file is streamed in chunks of at most chunkSize bytes")
    func chunked() async throws {
        let folder = try TemporaryDirectory()
        let size = MultipartBody.chunkSize * 2 + 5
        let file = folder.write("big.bin", bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0) })
        let body = MultipartBody(
            parts: [
                .file(name: "file", fileName: "big.bin", contentType: "x/y", path: file, size: Int64(size))
            ])
        var total = 0
        var largest = 0
        for try await chunk in body.chunks() {
            total += chunk.count
            largest = max(largest, chunk.count)
        }
        #expect(Int64(total) == body.contentLength)
        #expect(largest == MultipartBody.chunkSize)
    }

    @Test("a file that is gone or changed size fails the body instead of sending a wrong length")
    func changedFile() async throws {
        let folder = try TemporaryDirectory()
        let file = folder.write("a.wav", bytes: [1, 2, 3])
        let grown = MultipartBody(
            parts: [.file(name: "file", fileName: "a.wav", contentType: "audio/wav", path: file, size: 2)])
        await #expect(throws: MultipartFileError.self) { try await grown.collect() }
        let gone = MultipartBody(
            parts: [
                .file(
                    name: "file", fileName: "x", contentType: "audio/wav", path: folder.path("none"), size: 2)
            ])
        await #expect(throws: MultipartFileError.self) { try await gone.collect() }
    }

    @Test("AsyncHTTPTransport streams a multipart body that the simulator transcribes")
    func transportStreams() async throws {
        let simulator = Simulator(configuration: SimulatorConfiguration())
        let port = try await simulator.start()
        let transport = AsyncHTTPTransport(connectionsPerHost: 1)
        let folder = try TemporaryDirectory()
        let file = folder.write("a.wav", bytes: [UInt8](repeating: 7, count: 64_000))
        let body = MultipartBody(parts: [
            .field(name: "model", value: "whisper-1"), .field(name: "response_format", value: "text"),
            .file(name: "file", fileName: "a.wav", contentType: "audio/wav", path: file, size: 64_000),
        ])
        let request = OutboundRequest(
            url: "http://127.0.0.1:\(port)/v1/audio/transcriptions",
            headers: ["Content-Type": body.contentType], content: .multipart(body))
        let answer = try await transport.send(request, timeout: .seconds(10))
        try await transport.shutdown()
        try await simulator.shutdown()
        #expect(answer.status == 200)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("64000-byte audio file"))
    }
}
