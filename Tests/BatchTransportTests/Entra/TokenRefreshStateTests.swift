import BatchCore
import BatchTransport
import Testing

@Suite("Token refresh decisions")
struct TokenRefreshStateTests {
    let start = Timestamp(milliseconds: 1_700_000_000_000)

    func token(_ value: String, life: Duration, from: Timestamp? = nil) -> AccessToken {
        AccessToken(value: value, expiresOn: (from ?? start).advanced(by: life))
    }

    @Test(
        "refreshed at the earlier of 5 min before expiry and half the life, never before a quarter",
        arguments: [
            (Duration.seconds(86_400), Duration.seconds(43_200)),
            (.seconds(3600), .seconds(1800)),
            (.seconds(480), .seconds(180)),
            (.seconds(60), .seconds(15)),
        ])
    func refreshTime(life: Duration, refreshAfter: Duration) {
        let time = TokenRefreshState.refreshTime(token("t", life: life), receivedAt: start)
        #expect(time == start.advanced(by: refreshAfter))
    }

    @Test("a token is sent until its expiry less a tenth of its life, at most 30 s")
    func usableUntil() {
        #expect(
            TokenRefreshState.usableUntil(token("t", life: .seconds(3600)), receivedAt: start)
                == start.advanced(by: .seconds(3570)))
        #expect(
            TokenRefreshState.usableUntil(token("t", life: .seconds(60)), receivedAt: start)
                == start.advanced(by: .seconds(54)))
    }

    @Test("with no token, the first request fetches and every other one waits for that fetch")
    func singleFlight() {
        var state = TokenRefreshState()
        #expect(state.requested(now: start) == .fetchAndWait)
        for _ in 0..<63 { #expect(state.requested(now: start) == .wait) }
        let fresh = token("a", life: .seconds(3600))
        state.fetchSucceeded(fresh, now: start)
        #expect(state.requested(now: start) == .use(fresh))
        #expect(!state.fetching)
    }

    @Test("a token due for refresh is still used; one background fetch starts, not one per request")
    func backgroundRefresh() {
        var state = TokenRefreshState()
        _ = state.requested(now: start)
        let first = token("a", life: .seconds(3600))
        state.fetchSucceeded(first, now: start)
        let due = start.advanced(by: .seconds(1800))
        #expect(state.requested(now: due.advanced(by: .milliseconds(-1))) == .use(first))
        #expect(state.requested(now: due) == .useAndFetch(first))
        for _ in 0..<63 { #expect(state.requested(now: due) == .use(first)) }
        let second = token("b", life: .seconds(3600), from: due)
        state.fetchSucceeded(second, now: due)
        #expect(state.requested(now: due) == .use(second))
    }

    @Test("past its usable time a token is not sent: requests wait for the fetch running")
    func expiredWaits() {
        var state = TokenRefreshState()
        _ = state.requested(now: start)
        state.fetchSucceeded(token("a", life: .seconds(60)), now: start)
        let late = start.advanced(by: .seconds(55))
        #expect(state.requested(now: late) == .fetchAndWait)
        #expect(state.requested(now: late) == .wait)
    }

    @Test("a failed background refresh keeps the token and is retried 30 s later, not at once")
    func failedBackgroundRefresh() {
        var state = TokenRefreshState()
        _ = state.requested(now: start)
        let first = token("a", life: .seconds(3600))
        state.fetchSucceeded(first, now: start)
        let due = start.advanced(by: .seconds(1800))
        #expect(state.requested(now: due) == .useAndFetch(first))
        state.fetchFailed(now: due)
        #expect(state.requested(now: due.advanced(by: .seconds(29))) == .use(first))
        #expect(state.requested(now: due.advanced(by: .seconds(30))) == .useAndFetch(first))
    }

    @Test("a failed fetch with no usable token leaves nothing: the next request fetches again")
    func failedFetch() {
        var state = TokenRefreshState()
        _ = state.requested(now: start)
        state.fetchFailed(now: start)
        #expect(state.requested(now: start) == .fetchAndWait)
    }

    @Test("a refused token is dropped once; refusals of an older token change nothing")
    func rejected() {
        var state = TokenRefreshState()
        _ = state.requested(now: start)
        state.fetchSucceeded(token("a", life: .seconds(3600)), now: start)
        state.rejected("a")
        #expect(state.requested(now: start) == .fetchAndWait)
        state.rejected("a")
        #expect(state.requested(now: start) == .wait)
        let second = token("b", life: .seconds(3600))
        state.fetchSucceeded(second, now: start)
        state.rejected("a")
        #expect(state.requested(now: start) == .use(second))
    }

    @Test("descriptions and reflection of a token never show it")
    func redacted() {
        let secret = token("eyJ0eXAiOiJKV1Qi.secret-part", life: .seconds(60))
        for text in [
            secret.description, "\(secret)", String(reflecting: secret),
            "\(Mirror(reflecting: secret).children.map(\.value))",
        ] {
            #expect(!text.contains("secret-part"))
            #expect(!text.contains("eyJ0"))
        }
    }
}
