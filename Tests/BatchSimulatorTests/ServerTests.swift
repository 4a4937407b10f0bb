import Foundation
import NIOCore
import Testing

@testable import BatchSimulator

@Suite("Server behaviour")
struct ServerTests {
    @Test("latency is added before answering")
    func latency() async throws {
        try await Harness.run({
            $0.latency = .milliseconds(200)
            $0.latencyJitter = .milliseconds(50)
        }) { h in
            let start = ContinuousClock.now
            let reply = try await h.post("/v1/chat/completions", chatBody())
            let elapsed = ContinuousClock.now - start
            #expect(reply.status == 200)
            #expect(elapsed >= .milliseconds(200), "the latency, at least, before the answer")
        }
    }

    @Test("300 concurrent connections are served in parallel")
    func concurrency() async throws {
        try await Harness.run(maxConnections: 300, { $0.latency = .milliseconds(300) }) { h in
            let start = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<300 {
                    group.addTask {
                        try await h.post("/v1/embeddings", ["model": "e", "input": "item \(i)"]).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 300)
            #expect(statuses.allSatisfy { $0 == 200 })
            // Serially this would take 90 s; in parallel it takes about one latency.
            #expect(ContinuousClock.now - start < .seconds(20))
            #expect(h.simulator.stats.answered2xx == 300)
        }
    }

    @Test("keep-alive: many requests reuse one connection")
    func keepAlive() async throws {
        try await Harness.run(maxConnections: 1) { h in
            var ids = Set<String>()
            for _ in 0..<50 {
                let reply = try await h.post("/v1/chat/completions", chatBody())
                #expect(reply.status == 200)
                ids.insert(try #require(reply.header("x-request-id")))
            }
            #expect(ids.count == 50)
            #expect(h.simulator.connectionsAccepted == 1)
        }
    }

    @Test("the same request gets the same content")
    func deterministicContent() async throws {
        try await Harness.run { h in
            let a = try await h.post("/v1/chat/completions", chatBody(content: "determinism"))
            let b = try await h.post("/v1/chat/completions", chatBody(content: "determinism"))
            let content = { (r: Reply) in
                r.json?.objects("choices")?.first?.object("message")?["content"] as? String
            }
            #expect(content(a) != nil)
            #expect(content(a) == content(b))
            #expect(a.header("x-request-id") != b.header("x-request-id"))
        }
    }

    @Test("start twice fails; shutdown twice is fine")
    func lifecycle() async throws {
        let simulator = Simulator(configuration: SimulatorConfiguration())
        let port = try await simulator.start()
        #expect(port > 0)
        await #expect(throws: SimulatorError.self) { _ = try await simulator.start() }
        try await simulator.shutdown()
        try await simulator.shutdown()
    }
}
