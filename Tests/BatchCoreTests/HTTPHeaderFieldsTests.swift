import BatchCore
import Testing

@Suite("HTTP header fields")
struct HTTPHeaderFieldsTests {
    @Test("names compare case-insensitively; the first field of a name wins")
    func lookup() {
        let headers: HTTPHeaderFields = [
            "Content-Type": "application/json", "X-RateLimit-Remaining-Requests": "12",
            "x-ratelimit-remaining-requests": "13",
        ]
        #expect(headers["content-type"] == "application/json")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers["x-ratelimit-remaining-requests"] == "12")
        #expect(headers["content-typ"] == nil)
        #expect(headers["content-types"] == nil)
    }

    @Test(
        "only letters fold: characters that differ by the case bit elsewhere stay distinct",
        arguments: [("a[b", "a{b"), ("x-1", "x\u{11}1"), ("a@", "a`"), ("retry-after", "retry_after")])
    func nonLetters(name: String, other: String) {
        let headers: HTTPHeaderFields = [name: "v"]
        #expect(headers[other] == nil)
        #expect(headers[name] == "v")
    }
}
