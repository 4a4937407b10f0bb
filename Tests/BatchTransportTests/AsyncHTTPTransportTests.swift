import BatchCore
import BatchSimulator
import BatchTesting
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import BatchTransport

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

    @Test("an answer of megabytes arrives whole, its length as announced; over the limit it fails")
    func largeAnswerWhole() async throws {
        try await withSimulator { transport, base in
            let inputs = (0..<64).map { "input \($0)" }
            let body = try JSONSerialization.data(
                withJSONObject: ["model": "text-embedding-3-small", "input": inputs, "dimensions": 1536])
            let request = OutboundRequest(
                url: base + "/v1/embeddings", headers: ["Content-Type": "application/json"], body: Array(body)
            )
            let answer = try await transport.send(request, timeout: .seconds(10))
            #expect(answer.status == 200)
            #expect(answer.body.count > 1 << 20)
            #expect(answer.headers["content-length"] == String(answer.body.count))
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
            #expect((object["data"] as? [Any])?.count == 64)

            let small = AsyncHTTPTransport(connectionsPerHost: 1, maximumResponseBytes: answer.body.count - 1)
            await #expect {
                _ = try await small.send(request, timeout: .seconds(10))
            } throws: { error in
                (error as? TransportFailure)?.message == "the answer was larger than the limit"
            }
            let exact = AsyncHTTPTransport(connectionsPerHost: 1, maximumResponseBytes: answer.body.count)
            #expect(try await exact.send(request, timeout: .seconds(10)).body == answer.body)
            try await small.shutdown()
            try await exact.shutdown()
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

    @Test("a closed port throws an unreachable failure")
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
        #expect(failure.kind == .unreachable)
    }
}

extension AsyncHTTPTransportTests {
    @Test(
        "a refused connection fails at once, saying so with the host and port",
        arguments: ["127.0.0.1", "localhost"])
    func refusedAtOnce(host: String) async throws {
        let port = try RefusedPort.make()
        // A connect timeout (10 s by default) would not give this message, which only a refusal
        // (ECONNREFUSED) gives: it proves the refusal ended the attempt, without timing the test.
        let transport = AsyncHTTPTransport(connectionsPerHost: 4)
        let result = await Result(catching: {
            try await transport.send(chat("http://\(host):\(port)", content: "x"), timeout: .seconds(30))
        })
        try await transport.shutdown()
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got an answer")
            return
        }
        let failure = try #require(error as? TransportFailure)
        #expect(failure.message == "connection refused by \(host):\(port): nothing is listening there")
        #expect(failure.kind.rawValue == "endpoint_unreachable")
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

@Suite("ConnectionFailure")
struct ConnectionFailureTests {
    @Test(
        "host and port of a URL, the port defaulted from the scheme",
        arguments: [
            ("http://127.0.0.1:9/v1/chat", "127.0.0.1:9"),
            ("https://r.openai.azure.com/openai", "r.openai.azure.com:443"),
            ("http://example.com?x=1", "example.com:80"), ("http://[::1]:8080/v1", "[::1]:8080"),
            ("https://[::1]/v1", "[::1]:443"), ("http://user@host:81/", "host:81"),
        ])
    func hostAndPort(url: String, expected: String) {
        #expect(ConnectionFailure.hostAndPort(url) == expected)
    }
}

extension ConnectionFailureTests {
    /// A resolver that knows no host, so that no DNS server is asked.
    private struct NoHosts: Resolver, Sendable {
        struct Unknown: Error, CustomStringConvertible {
            var description: String { "Name or service not known" }
        }
        let loop: any EventLoop
        func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
            loop.makeFailedFuture(Unknown())
        }
        func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
            loop.makeFailedFuture(Unknown())
        }
        func cancelQueries() {}
    }

    @Test("a host name that does not resolve says so, with host and port")
    func unresolvedHost() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let result = await Result(catching: {
            try await ClientBootstrap(group: loop).resolver(NoHosts(loop: loop))
                .connect(host: "no-such-host.invalid", port: 443).get()
        })
        guard case .failure(let error) = result else {
            Issue.record("expected the connection to fail")
            return
        }
        #expect(
            ConnectionFailure.unreachable(error, url: "https://no-such-host.invalid/openai")
                == "the host name no-such-host.invalid cannot be resolved (Name or service not known):"
                + " no request can reach no-such-host.invalid:443")
    }
}
