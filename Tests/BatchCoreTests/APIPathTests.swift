import Testing

@testable import BatchCore

@Suite("APIPath")
struct APIPathTests {
    @Test(arguments: APIPath.allCases)
    func bothURLFormsMapToEveryPath(path: APIPath) {
        #expect(APIPath(url: path.urlPath) == path)
        #expect(APIPath(url: "/" + path.rawValue) == path)
        #expect(APIPath(url: path.urlPath + "?api-version=1") == nil)
        #expect(APIPath(url: path.urlPath + "/") == nil)
    }

    @Test(arguments: [
        "", "/", "/v1/", "/v1", "chat/completions", "/V1/chat/completions", "/v1//chat/completions",
    ])
    func otherURLsDoNotMap(url: String) {
        #expect(APIPath(url: url) == nil)
    }

    @Test func escapedKeysAndValuesAreUnderstood() throws {
        let text =
            #"{"custom\u005fid":"a","method":"P\u004fST","url":"\/v1\/embeddings","b\u006fdy":{"m\u006fdel":"e"}}"#
        let request = try BatchLineParser().parse(Array(text.utf8)).get()
        #expect(request.customID == "a")
        #expect(request.path == .embeddings)
        #expect(request.model == "e")
    }

    @Test func duplicateKeysAreFoundEvenWhenEscapedOrMany() {
        let escaped = #"{"url":"/v1/embeddings","\u0075rl":"/v1/embeddings"}"#
        #expect(
            BatchLineParser().parse(Array(escaped.utf8))
                == .failure(
                    LineRejection(
                        code: "invalid_json_line", reason: "duplicate key \"url\" in the request object")))
        let many = "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k7\":0}"
        #expect(
            BatchLineParser().parse(Array(many.utf8))
                == .failure(
                    LineRejection(
                        code: "invalid_json_line", reason: "duplicate key \"k7\" in the request object")))
    }
}
