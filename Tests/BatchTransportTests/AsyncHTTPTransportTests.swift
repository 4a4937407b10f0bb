import BatchCore
import BatchSimulator
import BatchTransport
import Foundation
import Testing

@Suite("AsyncHTTPTransport against the simulator")
struct AsyncHTTPTransportTests {
    /// Starts a simulator on 127.0.0.1 and a transport, runs `body`, then shuts both down.
    private func withSimulator(
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (AsyncHTTPTransport, String) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration()
        configuration.hangDuration = .seconds(30)
        configure(&configuration)
        let simulator = Simulator(configuration: configuration)
        let port = try await simulator.start()
        let transport = AsyncHTTPTransport(connectionsPerHost: 2)
        do {
            try await body(transport, "http://127.0.0.1:\(port)")
        } catch {
            try await transport.shutdown()
            try await simulator.shutdown()
            throw error
        }
        try await transport.shutdown()
        try await simulator.shutdown()
    }

    private func chat(_ base: String, content: String, extra: HTTPHeaderFields = [:]) -> OutboundRequest {
        var headers: HTTPHeaderFields = ["Content-Type": "application/json"]
        for field in extra.fields { headers.add(name: field.name, value: field.value) }
        let body = try! JSONSerialization.data(
            withJSONObject: ["model": "gpt-4o-mini", "messages": [["role": "user", "content": content]]])
        return OutboundRequest(url: base + "/v1/chat/completions", headers: headers, body: Array(body))
    }

    @Test("a chat request gets a 200 JSON answer with x-request-id")
    func chatSucceeds() async throws {
        try await withSimulator { transport, base in
            let answer = try await transport.send(chat(base, content: "Say hi"), timeout: .seconds(10))
            #expect(answer.status == 200)
            #expect(answer.requestID?.isEmpty == false)
            #expect(answer.headers["x-request-id"] == answer.requestID)
            #expect(ResponseBody.isJSONValue(answer.body))
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
            #expect(object["choices"] is [Any])
            #expect(TokenUsage.read(fromBody: answer.body) != nil)
        }
    }

    @Test("credentials reach the server")
    func authenticated() async throws {
        try await withSimulator({ $0.apiKey = "k-123" }) { transport, base in
            let rejected = try await transport.send(chat(base, content: "x"), timeout: .seconds(10))
            #expect(rejected.status == 401)
            let headers = try await APIKeyCredential(key: "k-123", style: .bearer).authenticationHeaders()
            let accepted = try await transport.send(
                chat(base, content: "x", extra: headers), timeout: .seconds(10))
            #expect(accepted.status == 200)
        }
    }

    @Test("an HTTP error status is returned as an answer, not thrown", arguments: ["500", "503"])
    func serverErrorIsAnswer(fault: String) async throws {
        try await withSimulator { transport, base in
            let answer = try await transport.send(
                chat(base, content: "x", extra: ["x-sim-fault": fault]), timeout: .seconds(10))
            #expect(answer.status == Int(fault))
        }
    }

    @Test("no answer before the timeout throws a timeout failure")
    func hangTimesOut() async throws {
        try await withSimulator { transport, base in
            let failure = try await #require(throws: TransportFailure.self) {
                try await transport.send(
                    chat(base, content: "x", extra: ["x-sim-fault": "hang"]), timeout: .milliseconds(300))
            }
            #expect(failure.kind == .timeout)
        }
    }

    @Test("a closed port throws a connection failure")
    func closedPort() async throws {
        let simulator = Simulator(configuration: SimulatorConfiguration())
        let port = try await simulator.start()
        try await simulator.shutdown()
        let transport = AsyncHTTPTransport(connectionsPerHost: 1, connectTimeout: .seconds(2))
        let result = await Result(catching: {
            try await transport.send(chat("http://127.0.0.1:\(port)", content: "x"), timeout: .seconds(2))
        })
        try await transport.shutdown()
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got an answer")
            return
        }
        let failure = try #require(error as? TransportFailure)
        #expect(failure.kind == .connection)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
