import BatchCore
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("Test helpers: ManualClock, ScriptedTransport, JobFixtures")
struct TestHelpersTests {
    @Test("advance moves the clock forward only")
    func advance() {
        let clock = ManualClock(now: Timestamp(milliseconds: 1_000))
        clock.advance(by: .milliseconds(250))
        #expect(clock.now == Timestamp(milliseconds: 1_250))
        clock.advance(to: Timestamp(milliseconds: 900))
        #expect(clock.now == Timestamp(milliseconds: 1_250))
    }

    @Test("a sleeper wakes when the clock reaches its deadline")
    func sleeperWakes() async throws {
        let clock = ManualClock(now: Timestamp(milliseconds: 0))
        let sleeper = Task {
            try await clock.sleep(for: .seconds(1))
            return clock.now
        }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.deadlines == [Timestamp(milliseconds: 1_000)])
        clock.advance(by: .milliseconds(999))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(1))
        #expect(try await sleeper.value == Timestamp(milliseconds: 1_000))
        #expect(clock.sleeperCount == 0)
    }

    @Test("a deadline already passed does not suspend")
    func pastDeadline() async throws {
        let clock = ManualClock(now: Timestamp(milliseconds: 500))
        try await clock.sleep(until: Timestamp(milliseconds: 500))
        try await clock.sleep(until: Timestamp(milliseconds: 10))
        #expect(clock.sleeperCount == 0)
    }

    @Test("cancelling a sleeper throws CancellationError")
    func cancellation() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(60)) }
        #expect(await clock.waitForSleepers(1))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test("ScriptedTransport answers from its script and records requests")
    func scriptedTransport() async throws {
        let transport = ScriptedTransport { request, index in
            .json(200 + index, #"{"url":"\#(request.url)"}"#)
        }
        for n in 0..<3 {
            let answer = try await transport.send(
                OutboundRequest(url: "http://x/\(n)", headers: ["h": "\(n)"], body: [UInt8(n)]),
                timeout: .seconds(1))
            #expect(answer.status == 200 + n)
        }
        #expect(transport.requests.map(\.url) == ["http://x/0", "http://x/1", "http://x/2"])
        #expect(transport.requests.map { $0.headers["h"] } == ["0", "1", "2"])
        #expect(transport.requests.map(\.body) == [[0], [1], [2]])
    }

    @Test("fixture lines are valid Batch lines")
    func fixtures() throws {
        let chat = try #require(
            JobFixtures.object(
                JobFixtures.chatLine(customID: "a\"b", model: "m", content: "hi\n", maxTokens: 5)))
        #expect(chat["custom_id"] as? String == "a\"b")
        #expect(chat["url"] as? String == "/v1/chat/completions")
        let body = try #require(chat["body"] as? [String: Any])
        #expect(body["model"] as? String == "m")
        #expect(body["max_tokens"] as? Int == 5)
        let parser = BatchLineParser()
        for line in [
            JobFixtures.chatLine(customID: "c"), JobFixtures.embeddingLine(customID: "e"),
            JobFixtures.responsesLine(customID: "r"),
        ] {
            guard case .success = parser.parse(Array(line.utf8)) else {
                Issue.record("rejected: \(line)")
                continue
            }
        }
        let directory = try TemporaryDirectory()
        let path = directory.write("x.jsonl", lines: ["1", "2"])
        #expect(JobFixtures.lines(ofFile: path) == ["1", "2"])
        directory.remove()
        #expect(!FileManager.default.fileExists(atPath: directory.root))
    }
}
