import Foundation
import Testing

@testable import BatchSimulator

@Suite("Fault injection")
struct FaultTests {
    let path = "/v1/chat/completions"

    @Test("x-sim-fault forces 500 and 503 with error bodies")
    func serverErrors() async throws {
        try await Harness.run { h in
            let e500 = try await h.post(path, chatBody(), headers: [("x-sim-fault", "500")])
            #expect(e500.status == 500)
            #expect(e500.json?.object("error")?["type"] as? String == "server_error")
            #expect(e500.header("x-request-id") != nil)
            let e503 = try await h.post(path, chatBody(), headers: [("x-sim-fault", "503")])
            #expect(e503.status == 503)
            #expect(e503.header("retry-after-ms") == "50")
            #expect(e503.json?.object("error") != nil)
            let none = try await h.post(path, chatBody(), headers: [("x-sim-fault", "none")])
            #expect(none.status == 200)
            #expect(h.simulator.stats.answered5xx == 2)
        }
    }

    @Test("x-sim-fault drop closes the connection without an answer")
    func drop() async throws {
        try await Harness.run { h in
            await #expect(throws: (any Error).self) {
                _ = try await h.post(path, chatBody(), headers: [("x-sim-fault", "drop")])
            }
            #expect(h.simulator.stats.dropped == 1)
            // The server keeps serving new connections.
            let after = try await h.post(path, chatBody())
            #expect(after.status == 200)
        }
    }

    @Test("requests after the hold point are parked unanswered until released, then answered")
    func holdAndRelease() async throws {
        try await Harness.run { (h: Harness) async throws in
            h.simulator.holdRequests(after: 1)
            #expect(try await h.post(path, chatBody()).status == 200, "the first is not held")
            async let second = h.post(path, chatBody())
            async let third = h.post(path, chatBody())
            // Both parked: counted on arrival, their answers not sent.
            await h.simulator.waitUntilHeld(2)
            #expect(h.simulator.stats.received == 3)
            #expect(h.simulator.heldCount == 2)
            h.simulator.releaseHeld()
            #expect(try await second.status == 200)
            #expect(try await third.status == 200)
            #expect(h.simulator.heldCount == 0)
            #expect(try await h.post(path, chatBody()).status == 200, "released: no longer held")
            #expect(h.simulator.stats.answered2xx == 4)
        }
    }

    @Test("x-sim-fault hang holds the request for hangDuration, then closes")
    func hang() async throws {
        try await Harness.run({ $0.hangDuration = .milliseconds(300) }) { h in
            let start = ContinuousClock.now
            await #expect(throws: (any Error).self) {
                _ = try await h.post(path, chatBody(), headers: [("x-sim-fault", "hang")])
            }
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(h.simulator.stats.hung == 1)
        }
    }

    @Test("x-sim-fault malformed gives 200 with invalid JSON")
    func malformed() async throws {
        try await Harness.run { h in
            let reply = try await h.post(path, chatBody(), headers: [("x-sim-fault", "malformed")])
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/json")
            #expect(!reply.text.isEmpty)
            #expect(reply.text.hasPrefix("{"))
            #expect(reply.json == nil)
            #expect(h.simulator.stats.malformed == 1)
            #expect(h.simulator.stats.answered2xx == 0)
        }
    }

    @Test("configured rates apply: rate 1 of 503 fails every request")
    func rates() async throws {
        try await Harness.run({ $0.faults = FaultRates(serverError503: 1) }) { h in
            for _ in 0..<5 {
                let reply = try await h.post(path, chatBody())
                #expect(reply.status == 503)
            }
            #expect(h.simulator.stats.answered5xx == 5)
        }
    }

    @Test("one draw is partitioned in order 500, 503, drop, hang, malformed")
    func partition() {
        let rates = FaultRates(
            serverError500: 0.1, serverError503: 0.1, dropConnection: 0.1, hang: 0.1, malformedJSON: 0.1)
        #expect(rates.fault(forDraw: 0.05) == .serverError500)
        #expect(rates.fault(forDraw: 0.15) == .serverError503)
        #expect(rates.fault(forDraw: 0.25) == .drop)
        #expect(rates.fault(forDraw: 0.35) == .hang)
        #expect(rates.fault(forDraw: 0.45) == .malformed)
        #expect(rates.fault(forDraw: 0.55) == nil)
        #expect(FaultRates.none.fault(forDraw: 0) == nil)
    }

    @Test("random and capacity 429s: retry-after 1 s, no rate-limit headers, each style's wording")
    func random429s() async throws {
        for style in RateLimitStyle.allCases {
            try await Harness.run({ $0.rateLimitStyle = style }) { h in
                let random = try await h.post(path, chatBody(), headers: [("x-sim-fault", "429")])
                let capacity = try await h.post(path, chatBody(), headers: [("x-sim-fault", "capacity-429")])
                for reply in [random, capacity] {
                    #expect(reply.status == 429)
                    #expect(reply.header("retry-after") == "1")
                    #expect(reply.header("retry-after-ms") == "1000")
                    #expect(reply.header("x-ratelimit-remaining-requests") == nil)
                }
                #expect(random.text.lowercased().contains("rate limit"), "\(style): \(random.text)")
                let text = capacity.text.lowercased()
                #expect(text.contains("high demand") || text.contains("overloaded"), "\(style): \(text)")
                #expect(!text.contains("rate limit") && !text.contains("quota"))
                #expect(h.simulator.stats.answered429 == 2)
            }
        }
        let rates = FaultRates(random429: 0.1, capacity429: 0.1)
        #expect(rates.fault(forDraw: 0.05) == .random429)
        #expect(rates.fault(forDraw: 0.15) == .capacity429)
        #expect(rates.fault(forDraw: 0.25) == nil)
    }

    @Test("stats counters add up and /_sim/stats serves the same numbers")
    func statsMatch() async throws {
        try await Harness.run({ $0.rpm = 1 }) { h in
            _ = try await h.post(path, chatBody())  // 200
            _ = try await h.post(path, chatBody())  // 429
            _ = try await h.post(path, chatBody(model: "other"), headers: [("x-sim-fault", "500")])
            _ = try await h.post(path, chatBody(model: "other"), headers: [("x-sim-fault", "malformed")])
            _ = try? await h.post(path, chatBody(model: "other"), headers: [("x-sim-fault", "drop")])
            _ = try await h.post("/v1/unknown", chatBody())  // 404
            let stats = h.simulator.stats
            #expect(stats.received == 6)
            #expect(stats.answered2xx == 1)
            #expect(stats.answered429 == 1)
            #expect(stats.answered5xx == 1)
            #expect(stats.malformed == 1)
            #expect(stats.dropped == 1)
            #expect(stats.answered4xx == 1)
            #expect(stats.hung == 0)
            let remote = try await h.remoteStats()
            #expect(remote == stats)
            #expect(h.simulator.stats.received == 6)  // stats reads are not counted
        }
    }
}
