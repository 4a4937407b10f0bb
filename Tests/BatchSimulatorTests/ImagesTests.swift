import Foundation
import NIOCore
import Testing

@testable import BatchSimulator

@Suite("Simulated images/generations and images/edits")
struct ImagesTests {
    @Test("generations answer n b64_json PNG images, or URLs, in both URL forms")
    func generations() async throws {
        try await Harness.run { h in
            let reply = try await h.post(
                "/v1/images/generations", ["model": "gpt-image-1", "prompt": "a cat", "n": 2])
            #expect(reply.status == 200)
            let data = try #require(reply.json?["data"] as? [[String: Any]])
            #expect(data.count == 2)
            let first = try #require((data[0]["b64_json"] as? String).flatMap { Data(base64Encoded: $0) })
            #expect(Array(first.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            #expect(first.count == 8 + 5)
            let azure = try await h.post(
                "/openai/deployments/dalle/images/generations?api-version=2024-10-21",
                ["prompt": "a cat", "response_format": "url"])
            #expect(azure.status == 200)
            let url = (azure.json?["data"] as? [[String: Any]])?.first?["url"] as? String
            #expect(url?.hasPrefix("https://") == true)
            #expect(try await h.post("/v1/images/generations", ["model": "m"]).status == 400)
        }
    }

    @Test("edits take a multipart image and answer b64_json")
    func edits() async throws {
        try await Harness.run { h in
            let boundary = "b-1"
            var body = ByteBuffer()
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ngpt-image-1\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nadd a hat\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n")
            body.writeBytes([0x89, 0x50, 0x4E, 0x47, 1, 2])
            body.writeString("\r\n--\(boundary)--\r\n")
            let reply = try await h.send(
                "/v1/images/edits", body: body,
                headers: [("content-type", "multipart/form-data; boundary=\(boundary)")])
            #expect(reply.status == 200)
            #expect(((reply.json?["data"] as? [[String: Any]])?.first?["b64_json"] as? String) != nil)
        }
    }
}
