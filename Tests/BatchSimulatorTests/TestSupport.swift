import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import BatchSimulator

/// One answer from the simulator, with its body decoded as JSON when possible.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var text: String
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A running simulator on 127.0.0.1, an HTTP client for it, and request helpers.
struct Harness {
    let simulator: Simulator
    let port: Int
    let client: HTTPClient

    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts a simulator configured by `configure`, runs `body`, then shuts everything down.
    static func run(
        maxConnections: Int = 8,
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration()
        configure(&configuration)
        let simulator = Simulator(configuration: configuration)
        let port = try await simulator.start()
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConnections
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        do {
            try await body(Harness(simulator: simulator, port: port, client: client))
        } catch {
            try? await client.shutdown()
            try? await simulator.shutdown()
            throw error
        }
        try await client.shutdown()
        try await simulator.shutdown()
    }

    /// Sends `body` to `path` with `method` and `headers`; returns the full answer.
    func send(
        _ path: String, method: HTTPMethod = .POST, body: ByteBuffer? = nil,
        headers: [(String, String)] = [], timeout: TimeAmount = .seconds(10)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(
            status: Int(response.status.code), headers: response.headers, text: String(buffer: buffer))
    }

    /// POSTs a JSON text to `path`.
    func post(_ path: String, json: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send(
            path, body: ByteBuffer(string: json), headers: [("content-type", "application/json")] + headers)
    }

    /// POSTs a JSON object to `path`.
    func post(_ path: String, _ object: [String: Any], headers: [(String, String)] = []) async throws -> Reply
    {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try await post(path, json: String(decoding: data, as: UTF8.self), headers: headers)
    }

    /// Reads `GET /_sim/stats`.
    func remoteStats() async throws -> SimulatorStats {
        let reply = try await send("/_sim/stats", method: .GET)
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(reply.text.utf8))
    }
}

/// A small chat request body.
func chatBody(
    model: String = "gpt-4o-mini", content: String = "Say hello to the simulator.", extra: [String: Any] = [:]
)
    -> [String: Any]
{
    var body: [String: Any] = ["model": model, "messages": [["role": "user", "content": content]]]
    for (key, value) in extra { body[key] = value }
    return body
}

extension Dictionary where Key == String, Value == Any {
    /// The nested dictionary at `key`.
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    /// The array of dictionaries at `key`.
    func objects(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
}
