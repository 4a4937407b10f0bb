import BatchCore
import Testing

@Suite("EndpointReachability")
struct EndpointReachabilityTests {
    static let refused = AttemptResult.failure(TransportFailure(kind: .unreachable, message: "refused"))
    static let answer = AttemptResult.answer(HTTPAnswer(status: 500, headers: [:], body: []))
    static let timeout = AttemptResult.failure(TransportFailure(kind: .timeout, message: "slow"))

    @Test("unreachable exactly at the threshold of failures in a row, and on every one after")
    func threshold() {
        var reachability = EndpointReachability(threshold: 3)
        #expect(reachability.record(Self.refused) == false)
        #expect(reachability.record(Self.refused) == false)
        #expect(reachability.record(Self.refused) == true)
        #expect(reachability.record(Self.refused) == true)
        #expect(reachability.consecutiveUnreachable == 4)
    }

    @Test("an HTTP answer of any status starts the count again")
    func answerResets() {
        var reachability = EndpointReachability(threshold: 3)
        _ = reachability.record(Self.refused)
        _ = reachability.record(Self.refused)
        #expect(reachability.record(Self.answer) == false)
        #expect(reachability.consecutiveUnreachable == 0)
        #expect(reachability.record(Self.refused) == false)
        #expect(reachability.record(Self.refused) == false)
        #expect(reachability.record(Self.refused) == true)
    }

    @Test(
        "other failures leave the count as it is",
        arguments: [TransportFailure.Kind.timeout, .connection, .other, .fileUnavailable])
    func otherFailuresAreNeutral(kind: TransportFailure.Kind) {
        var reachability = EndpointReachability(threshold: 2)
        _ = reachability.record(Self.refused)
        #expect(reachability.record(.failure(TransportFailure(kind: kind, message: "x"))) == false)
        #expect(reachability.consecutiveUnreachable == 1)
        #expect(reachability.record(Self.refused) == true)
    }

    @Test("the default threshold is 20; a threshold below 1 is 1")
    func defaults() {
        #expect(EndpointReachability().threshold == 20)
        var one = EndpointReachability(threshold: 0)
        let unreachable = one.record(Self.refused)
        #expect(unreachable)
    }
}
