import BatchCore
import BatchTesting
import BatchTransport
import Testing

@Suite("Token cache")
struct TokenCacheTests {
    let clock = ManualClock()

    /// Starts `count` requests for a token at once and returns their tokens.
    func tokens(_ cache: TokenCache, count: Int) async throws -> [String] {
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<count { group.addTask { try await cache.token().value } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Yields until no fetch runs (no wall-clock wait); returns whether none does.
    static func settled(_ cache: TokenCache) async -> Bool {
        for _ in 0..<100_000 {
            if await !cache.isFetching { return true }
            await Task.yield()
        }
        return await !cache.isFetching
    }

    @Test("64 requests at once with no token: one fetch, and all 64 get its token")
    func noStampede() async throws {
        let source = ScriptedTokenSource(gated: true, clock: clock, life: .seconds(60))
        let cache = TokenCache(source: source, clock: clock)
        async let all = tokens(cache, count: 64)
        #expect(await clock.waitUntil { source.waiting == 1 })
        source.release()
        let got = try await all
        #expect(got == Array(repeating: "token-1", count: 64))
        #expect(source.fetches == 1)
    }

    @Test("a token due for refresh serves 64 requests at once while exactly one fetch runs")
    func refreshUnderLoad() async throws {
        let source = ScriptedTokenSource(clock: clock, life: .seconds(60))
        let cache = TokenCache(source: source, clock: clock)
        #expect(try await cache.token().value == "token-1")
        clock.advance(by: .seconds(15))
        source.gate()
        let during = try await tokens(cache, count: 64)
        #expect(during == Array(repeating: "token-1", count: 64), "nobody waits for the refresh")
        #expect(await clock.waitUntil { source.waiting == 1 })
        source.release()
        #expect(await clock.waitUntil { source.fetches == 2 })
        // The refreshed token arrives without anyone waiting for it; then it serves everyone.
        var next = ""
        for _ in 0..<1000 where next != "token-2" {
            next = try await cache.token().value
            await Task.yield()
        }
        #expect(next == "token-2")
        #expect(source.fetches == 2)
    }

    @Test("three minutes of 60 s tokens, 64 requests every second: one fetch per refresh, none failed")
    func threeMinutes() async throws {
        let source = ScriptedTokenSource(clock: clock, life: .seconds(60))
        let cache = TokenCache(source: source, clock: clock)
        for _ in 0..<180 {
            let got = try await tokens(cache, count: 64)
            #expect(got.count == 64)
            // Each background refresh lands before the next second's requests.
            #expect(await Self.settled(cache))
            clock.advance(by: .seconds(1))
        }
        // The first at 0 s, then a refresh every 15 s (a quarter of 60 s): 0, 15, …, 165 s.
        #expect(source.fetches == 12)
        #expect(await cache.fetches == source.fetches)
    }

    @Test("a request cancelled while it waits stops waiting; the fetch goes on for the others")
    func cancelledWaiter() async throws {
        let source = ScriptedTokenSource(gated: true, clock: clock, life: .seconds(60))
        let cache = TokenCache(source: source, clock: clock)
        let cancelled = Task { try await cache.token() }
        let other = Task { try await cache.token() }
        #expect(await clock.waitUntil { source.waiting == 1 })
        for _ in 0..<100_000 where await cache.waiting < 2 { await Task.yield() }
        #expect(await cache.waiting == 2)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(await cache.waiting == 1)
        source.release()
        #expect(try await other.value.value == "token-1")
        #expect(source.fetches == 1)
    }

    @Test("a failed fetch fails every waiting request with the source's error")
    func failure() async throws {
        let refusal = TokenFailure(
            kind: .rejected, source: "client_secret", entraCode: "AADSTS7000215",
            message: "AADSTS7000215: Invalid client secret provided.")
        let source = ScriptedTokenSource(gated: true) { _ throws(TokenFailure) in throw refusal }
        let cache = TokenCache(source: source, clock: clock)
        let results = await withTaskGroup(of: Result<AccessToken, any Error>.self) { group in
            for _ in 0..<8 { group.addTask { await Result { try await cache.token() } } }
            _ = await clock.waitUntil { source.waiting == 1 }
            source.release()
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        for result in results {
            guard case .failure(let error) = result else {
                Issue.record("expected a failure")
                continue
            }
            #expect(error as? TokenFailure == refusal)
            #expect("\(error)".contains("client_secret: AADSTS7000215"))
        }
        #expect(source.fetches == 1)
    }

    @Test("64 requests refused with the same token: one new fetch, and all retry with the new token")
    func rejectedOnce() async throws {
        let source = ScriptedTokenSource(clock: clock, life: .seconds(3600))
        let cache = TokenCache(source: source, clock: clock)
        let first = try await cache.token().value
        let retried = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    await cache.rejected(first)
                    return try await cache.token().value
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(retried == Array(repeating: "token-2", count: 64))
        #expect(source.fetches == 2)
    }

    @Test("the process's caches: one per key, whichever endpoint asks")
    func sharedPerKey() {
        let caches = TokenCaches(clock: clock)
        let a = ScriptedTokenSource(name: "one", clock: clock, life: .seconds(60))
        let b = ScriptedTokenSource(name: "one", clock: clock, life: .seconds(60))
        let c = ScriptedTokenSource(name: "two", clock: clock, life: .seconds(60))
        #expect(caches.cache(for: a) === caches.cache(for: b))
        #expect(caches.cache(for: a) !== caches.cache(for: c))
    }
}
