import Testing

@testable import BatchCore

@Suite("BatchLineParser")
struct BatchLineParserTests {
    let parser = BatchLineParser()

    private func line(
        id: String = #""r1""#, method: String? = #""POST""#, url: String? = #""/v1/chat/completions""#,
        body: String? = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#
    ) -> String {
        var parts = [#""custom_id":\#(id)"#]
        if let method { parts.append(#""method":\#(method)"#) }
        if let url { parts.append(#""url":\#(url)"#) }
        if let body { parts.append(#""body":\#(body)"#) }
        return "{" + parts.joined(separator: ",") + "}"
    }

    @Test func acceptsAChatCompletionLine() throws {
        let text = line()
        let request = try parser.parse(Array(text.utf8)).get()
        #expect(request.customID == "r1")
        #expect(request.path == .chatCompletions)
        #expect(request.model == "gpt-4o-mini")
        let body = String(decoding: Array(text.utf8)[request.bodyRange], as: UTF8.self)
        #expect(body == #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#)
    }

    static let acceptedURLs: [(String, APIPath)] = [
        ("/v1/chat/completions", .chatCompletions), ("/chat/completions", .chatCompletions),
        ("/v1/responses", .responses), ("/responses", .responses), ("/v1/completions", .completions),
        ("/v1/embeddings", .embeddings), ("/embeddings", .embeddings), ("/v1/moderations", .moderations),
    ]

    @Test(arguments: acceptedURLs)
    func acceptsURLForms(url: String, path: APIPath) throws {
        #expect(try parser.parse(Array(line(url: "\"\(url)\"").utf8)).get().path == path)
    }

    @Test func acceptedPathsAreConfigurable() throws {
        let audio = BatchLineParser(acceptedPaths: [.audioTranscriptions])
        #expect(
            try audio.parse(Array(line(url: #""/v1/audio/transcriptions""#).utf8)).get().path
                == .audioTranscriptions)
        #expect(rejection(line(), parser: audio).code == "url_mismatch")
        #expect(rejection(line(url: #""/v1/audio/transcriptions""#)).code == "url_mismatch")
    }

    @Test func extraKeysAndWhitespaceAreIgnoredAndFieldOrderIsFree() throws {
        let text =
            #"  {"body" : {"temperature":0,"model":"m"}, "extra":[1,{"custom_id":"no"}], "url":"/embeddings", "method":"POST", "custom_id":"é\u00e9"}  "#
        let request = try parser.parse(Array(text.utf8)).get()
        #expect(
            request
                == BatchRequestLine(
                    customID: "éé", path: .embeddings, model: "m", bodyRange: 12..<41, tokenCost: 1))
    }

    static let rejections: [(String, String, String)] = [
        (
            "{\"custom_id\":\"a\",", "invalid_json_line",
            "not valid JSON at byte 18: expected a member name in double quotes, found the end of the text"
        ),
        (
            "{\"custom_id\":\"a\" \"x\"}", "invalid_json_line",
            "not valid JSON at byte 18: expected ',' or '}' after the member, found the string \"x\""
        ),
        ("[1,2]", "not_an_object", "the line is a JSON array, not an object"),
        ("\"s\"", "not_an_object", "the line is a JSON string, not an object"),
        (
            #"{"custom_id":"a","custom_id":"b","method":"POST"}"#, "invalid_json_line",
            "duplicate key \"custom_id\" in the request object"
        ),
        (
            #"{"method":"POST","url":"/v1/embeddings","body":{"model":"m"}}"#, "missing_custom_id",
            "custom_id is missing"
        ),
        (#"{"custom_id":"","method":"POST"}"#, "empty_custom_id", "custom_id is empty"),
        (
            #"{"custom_id":7,"method":"POST"}"#, "invalid_custom_id",
            "custom_id must be a string, found number"
        ),
        (#"{"custom_id":null}"#, "invalid_custom_id", "custom_id must be a string, found null"),
        (
            #"{"custom_id":"a","url":"/v1/embeddings"}"#, "invalid_method",
            "method is missing (expected \"POST\")"
        ),
        (#"{"custom_id":"a","method":"post"}"#, "invalid_method", "method must be \"POST\", found \"post\""),
        (
            #"{"custom_id":"a","method":["POST"]}"#, "invalid_method",
            "method must be \"POST\", found [\"POST\"]"
        ),
        (#"{"custom_id":"a","method":"POST","body":{"model":"m"}}"#, "missing_url", "url is missing"),
        (#"{"custom_id":"a","method":"POST","url":1}"#, "url_mismatch", "url must be a string, found number"),
        (
            #"{"custom_id":"a","method":"POST","url":"/v1/images/foo"}"#, "url_mismatch",
            "url \"/v1/images/foo\" is not supported (supported: /v1/chat/completions, /v1/responses, /v1/completions, /v1/embeddings, /v1/moderations)"
        ),
        (#"{"custom_id":"a","method":"POST","url":"/v1/embeddings?x=1"}"#, "url_mismatch", ""),
        (#"{"custom_id":"a","method":"POST","url":"v1/embeddings"}"#, "url_mismatch", ""),
        (#"{"custom_id":"a","method":"POST","url":"https://x/v1/embeddings"}"#, "url_mismatch", ""),
        (#"{"custom_id":"a","method":"POST","url":"/v2/embeddings"}"#, "url_mismatch", ""),
        (#"{"custom_id":"a","method":"POST","url":"/v1/embeddings"}"#, "invalid_body", "body is missing"),
        (
            #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":"{}"}"#, "invalid_body",
            "body must be an object, found string"
        ),
        (
            #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{}}"#, "missing_model",
            "body.model is missing"
        ),
        (
            #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":""}}"#, "missing_model",
            "body.model is empty"
        ),
        (
            #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":3}}"#, "missing_model",
            "body.model must be a string, found number"
        ),
        (
            #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"x":{"model":"m"}}}"#,
            "missing_model", "body.model is missing"
        ),
    ]

    @Test(arguments: rejections)
    func rejectsWithStableCodes(text: String, code: String, reason: String) {
        let rejection = rejection(text)
        #expect(rejection.code == code)
        if !reason.isEmpty { #expect(rejection.reason == reason) }
    }

    /// Malformed lines and the message their rejection gives: where (1-based byte), what was
    /// expected there, and what was found.
    static let malformedJSON: [(String, String)] = [
        ("this is not json", "not valid JSON at byte 1: expected a JSON object, found the word 'this'"),
        ("  hello", "not valid JSON at byte 3: expected a JSON object, found the word 'hello'"),
        (
            "Supercalifragilisticexpialidocious!",
            "not valid JSON at byte 1: expected a JSON object, found the word 'Supercalifragilisti…'"
        ),
        ("<html>", "not valid JSON at byte 1: expected a JSON object, found '<'"),
        ("12 apples", "not valid JSON at byte 1: expected a JSON object, found the number 12"),
        (
            #"{"custom_id":"a"#,
            "not valid JSON at byte 14: unterminated string: the closing quote is missing"
        ),
        (
            #"{"custom_id":"a",}"#,
            "not valid JSON at byte 17: trailing comma before '}': JSON allows no comma after the last member"
        ),
        (
            #"{"custom_id":"a","x":[1,2,]}"#,
            "not valid JSON at byte 26: trailing comma before ']': JSON allows no comma after the last element"
        ),
        (#"{"custom_id":}"#, "not valid JSON at byte 14: expected a value after ':', found '}'"),
        (#"{"custom_id":,"#, "not valid JSON at byte 14: expected a value after ':', found ','"),
        (
            #"{"custom_id":True}"#,
            "not valid JSON at byte 14: expected a value after ':', found the word 'True'"
        ),
        (
            #"{"custom_id":tru}"#,
            "not valid JSON at byte 14: expected a value after ':', found the word 'tru'"
        ),
        (
            #"{"custom_id" "a"}"#,
            "not valid JSON at byte 14: expected ':' after the member name, found the string \"a\""
        ),
        (
            #"{"custom_id":"a" "method":"POST"}"#,
            "not valid JSON at byte 18: expected ',' or '}' after the member, found the string \"method\""
        ),
        (
            #"{custom_id:"a"}"#,
            "not valid JSON at byte 2: expected a member name in double quotes, found the word 'custom_id'"
        ),
        (
            #"{'custom_id':'a'}"#,
            "not valid JSON at byte 2: expected a member name in double quotes, found a single quote"
                + " (JSON strings need double quotes)"
        ),
        (
            #"{"custom_id":"a","#,
            "not valid JSON at byte 18: expected a member name in double quotes, found the end of the text"
        ),
        (
            #"{"custom_id":"a"}{"b":1}"#,
            "not valid JSON at byte 18: trailing characters after the value: found '{'"
        ),
        (#"{"custom_id":"a\q"}"#, "not valid JSON at byte 16: invalid escape '\\q' in a string"),
        (#"{"custom_id":01}"#, "not valid JSON at byte 14: leading zeros are not allowed in numbers"),
    ]

    @Test(arguments: malformedJSON)
    func malformedJSONSaysWhereAndWhatWasFound(text: String, reason: String) {
        #expect(rejection(text) == LineRejection(code: "invalid_json_line", reason: reason))
    }

    static let impossibleDeployments: [(String, String)] = [
        ("../../admin", #"it contains "..""#), ("a/b", #"it contains "/""#), ("x?y", #"it contains "?""#),
        ("x#y", ##"it contains "#""##), (#"a\b"#, #"it contains "\\""#), (".", #"it is ".""#),
        ("tab\there", "it contains the control character U+0009"),
        ("\u{85}", "it contains the control character U+0085"),
    ]

    @Test(arguments: impossibleDeployments)
    func modelThatCannotBeAnAzureDeploymentIsRejected(model: String, problem: String) throws {
        let text = JobLine.chat(model: model)
        let azure = BatchLineParser(modelNamesAzureDeployment: true)
        #expect(
            rejection(text, parser: azure)
                == LineRejection(
                    code: "invalid_deployment",
                    reason: "body.model \(JSONEscaping.quoted(model)) cannot be an Azure deployment name: "
                        + problem))
        #expect(try parser.parse(Array(text.utf8)).get().model == model, "only a model name elsewhere")
    }

    @Test(arguments: ["gpt-4o-mini", "my deployment", "dé:ploy@1%", "a.b_c~d"])
    func otherDeploymentNamesAreAccepted(model: String) throws {
        let azure = BatchLineParser(modelNamesAzureDeployment: true)
        #expect(try azure.parse(Array(JobLine.chat(model: model).utf8)).get().model == model)
    }

    @Test(
        arguments: [
            [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFF],
        ] as [[UInt8]])
    func invalidUTF8AnywhereIsItsOwnCode(bad: [UInt8]) {
        let inString = Array(#"{"custom_id":"a"#.utf8) + bad + Array(#"","method":"POST"}"#.utf8)
        #expect(rejection(inString).code == "invalid_utf8")
        let outside = Array(#"{"custom_id":"a","#.utf8) + bad + Array(#""method":"POST"}"#.utf8)
        #expect(
            rejection(outside) == LineRejection(code: "invalid_utf8", reason: "not valid UTF-8 at byte 18"))
    }

    @Test func customIDLengthIsLimitedTo512Bytes() throws {
        let ok = String(repeating: "é", count: 256)  // 512 bytes
        #expect(try parser.parse(Array(line(id: "\"\(ok)\"").utf8)).get().customID == ok)
        let rejected = rejection(line(id: "\"\(ok)x\""))
        #expect(
            rejected
                == LineRejection(
                    code: "invalid_custom_id", reason: "custom_id is 513 bytes, over the limit of 512 bytes"))
    }

    @Test func linesOverTheLimitAreRejectedUnscanned() {
        let small = BatchLineParser(maxLineBytes: 20)
        let rejected = rejection(line(), parser: small)
        #expect(rejected.code == "line_too_long")
        #expect(rejected.reason.hasPrefix("line is "))
        #expect(rejection("{\"a\"", parser: BatchLineParser(maxLineBytes: 4)).code == "invalid_json_line")
    }

    @Test func duplicateCustomIDFactory() {
        let rejection = LineRejection.duplicateCustomID("r\"1", firstLine: 3)
        #expect(rejection.code == "duplicate_custom_id")
        #expect(rejection.reason == #"custom_id "r\"1" was already used on line 3"#)
    }

    private func rejection(_ text: String, parser: BatchLineParser? = nil) -> LineRejection {
        rejection(Array(text.utf8), parser: parser)
    }

    private func rejection(_ bytes: [UInt8], parser: BatchLineParser? = nil) -> LineRejection {
        switch (parser ?? self.parser).parse(bytes) {
        case .success(let request): return LineRejection(code: "accepted", reason: "\(request)")
        case .failure(let rejection): return rejection
        }
    }
}

/// Chat lines whose `body.model` is any string, escaped as JSON.
private enum JobLine {
    static func chat(model: String) -> String {
        #"{"custom_id":"r1","method":"POST","url":"/v1/chat/completions","body":{"model":"#
            + JSONEscaping.quoted(model) + #","messages":[]}}"#
    }
}
