import BatchCore
import Foundation
import Testing

@Suite("Quota 429s and capacity 429s")
struct ThrottleClassifierTests {
    static let plain = ThrottleSignal(headers: RateLimitHeaders())

    /// Feeds `answers` (S: success, T: a 429 with no headers and no wording) and returns the cause
    /// of the last 429.
    static func last(_ answers: String, budgetHoldsQuota: Bool? = nil) -> ThrottleCause? {
        var classifier = ThrottleClassifier()
        var cause: ThrottleCause?
        for answer in answers where answer != " " {
            if answer == "S" {
                classifier.admitted()
            } else {
                cause = classifier.classify(Self.plain, budgetHoldsQuota: budgetHoldsQuota)
            }
        }
        return cause
    }

    /// The worked example in the doc comment of `ThrottleClassifier`.
    @Test(
        "the documented table: lone 429s are capacity, a run of them is quota",
        arguments: [
            ("S S S S S S S T", ThrottleCause.capacity(.lone)),
            ("S S S S S T S T", .capacity(.lone)),
            ("S S S T S T S T", .quota(.clustered)),
            ("S S S S S S T T T", .quota(.clustered)),
        ])
    func workedExample(answers: String, expected: ThrottleCause) {
        #expect(Self.last(answers) == expected)
    }

    @Test("429s older than the last eight answers are forgotten")
    func historyIsShort() {
        #expect(Self.last("T T S S S S S S S T") == .capacity(.lone))
        #expect(Self.last("T T S S S S S T") == .quota(.clustered), "both still among the last eight")
    }

    @Test("an exhausted limit named by the 429's headers is quota at once; wording of capacity wins")
    func headersAndWording() {
        var classifier = ThrottleClassifier()
        #expect(
            classifier.classify(
                ThrottleSignal(headers: RateLimitHeaders(remainingRequests: 0)), budgetHoldsQuota: true)
                == .quota(.exhaustedHeader))
        #expect(
            classifier.classify(
                ThrottleSignal(headers: RateLimitHeaders(remainingRequests: 40, remainingTokens: 0)),
                budgetHoldsQuota: true) == .quota(.exhaustedHeader))
        #expect(
            classifier.classify(
                ThrottleSignal(headers: RateLimitHeaders(remainingRequests: 0), bodySaysCapacity: true),
                budgetHoldsQuota: false) == .capacity(.wording),
            "a run of 429s that speak of capacity stays capacity")
        #expect(
            classifier.classify(
                ThrottleSignal(headers: RateLimitHeaders(remainingRequests: 12)), budgetHoldsQuota: true)
                == .quota(.clustered),
            "four 429s in a row: a run, whatever the budget says")
    }

    @Test("a known budget decides a lone 429: quota left is capacity, a spent budget is quota")
    func budget() {
        #expect(Self.last("S S S T", budgetHoldsQuota: true) == .capacity(.budgetLeft))
        #expect(Self.last("S S S T", budgetHoldsQuota: false) == .quota(.budgetSpent))
        #expect(Self.last("S S S T", budgetHoldsQuota: nil) == .capacity(.lone))
        #expect(ThrottleCause.quota(.budgetSpent).pausesLane)
        #expect(!ThrottleCause.capacity(.budgetLeft).pausesLane)
    }

    /// The shares in the doc comment: a random 429 at share p is judged a run when two of the
    /// seven answers before it were 429s too.
    @Test("the documented chance that random 429s look like a run", arguments: [(0.03, 0.017), (0.10, 0.15)])
    func runChance(share: Double, documented: Double) {
        let p = share
        let chance = 1 - pow(1 - p, 7) - 7 * p * pow(1 - p, 6)
        #expect(abs(chance - documented) < 0.001 + documented * 0.02, "\(chance)")
    }

    /// The table in the doc comment of `ThrottleSignal.saysCapacity(body:)`.
    @Test(
        "bodies that speak of capacity, and bodies that speak of a rate limit",
        arguments: [
            (
                #"{"error":{"code":"429","message":"The system is currently experiencing high demand and cannot process your request. Your request exceeds the maximum usage size allowed during peak load. Please retry after 6 seconds."}}"#,
                true
            ),
            (
                #"{"error":{"message":"The engine is currently overloaded, please try again later.","type":"server_error","param":null,"code":null}}"#,
                true
            ),
            (
                #"{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}"#,
                false
            ),
            (
                #"{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
                false
            ),
            ("", false),
            ("Too Many Requests", false),
        ])
    func wording(body: String, capacity: Bool) {
        #expect(ThrottleSignal.saysCapacity(body: Array(body.utf8)) == capacity)
    }
}
