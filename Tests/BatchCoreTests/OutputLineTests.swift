import BatchCore
import Foundation
import Testing

@Suite("OutputLine")
struct OutputLineTests {
    private func parsed(_ line: [UInt8]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line))
        return try #require(object as? [String: Any])
    }

    private func checkFraming(_ line: [UInt8]) {
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        #expect(line.contains(0x0D) == false)
    }

    @Test("an answer line carries id, custom_id, status, request id and body")
    func answerLine() throws {
        let body = #"{"id":"chatcmpl-1","choices":[{"message":{"content":"hi"}}],"usage":{"total_tokens":3}}"#
        let answer = HTTPAnswer(status: 200, headers: ["x-request-id": "req_42"], body: Array(body.utf8))
        let id = OutputLine.id(job: 7, line: 42)
        let line = OutputLine.answer(id: id, customID: "task-1", answer: answer)
        checkFraming(line)
        let object = try parsed(line)
        #expect(object["id"] as? String == "batch_req_7_42")
        #expect(object["custom_id"] as? String == "task-1")
        #expect(object["error"] is NSNull)
        let response = try #require(object["response"] as? [String: Any])
        #expect(response["status_code"] as? Int == 200)
        #expect(response["request_id"] as? String == "req_42")
        let embedded = try #require(response["body"] as? NSDictionary)
        let original = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? NSDictionary)
        #expect(embedded == original)
    }

    @Test("a pretty-printed body keeps no raw line break", arguments: ["\n", "\r\n"])
    func prettyPrinted(newline: String) throws {
        let body = ["{", #"  "text": "two\nlines","#, #"  "n": [1,"#, "    2]", "}"].joined(
            separator: newline)
        let answer = HTTPAnswer(status: 200, headers: [:], body: Array(body.utf8))
        let line = OutputLine.answer(id: "a", customID: "c", answer: answer)
        checkFraming(line)
        let response = try #require(try parsed(line)["response"] as? [String: Any])
        let embedded = try #require(response["body"] as? [String: Any])
        #expect(embedded["text"] as? String == "two\nlines")
        #expect(embedded["n"] as? [Int] == [1, 2])
    }

    @Test(
        "a body that is not JSON is embedded as a string",
        arguments: ["<html>Bad gateway</html>\nretry later", "", #"{"cut": "#, "plain \"quoted\" \t text"])
    func nonJSONBody(text: String) throws {
        let answer = HTTPAnswer(status: 502, headers: [:], body: Array(text.utf8))
        let line = OutputLine.answer(id: "a", customID: "c", answer: answer)
        checkFraming(line)
        let response = try #require(try parsed(line)["response"] as? [String: Any])
        #expect(response["status_code"] as? Int == 502)
        #expect(response["body"] as? String == text)
    }

    @Test(
        "request_id is x-request-id, else apim-request-id, else null",
        arguments: [
            ([("x-request-id", "req_a"), ("apim-request-id", "apim_b")], "req_a" as String?),
            ([("apim-request-id", "apim_b"), ("X-Request-ID", "req_c")], "req_c"),
            ([("Apim-Request-Id", "apim_b")], "apim_b"),
            ([("content-type", "application/json")], nil),
        ])
    func requestID(fields: [(String, String)], expected: String?) throws {
        let headers = HTTPHeaderFields(fields.map { (name: $0.0, value: $0.1) })
        let line = OutputLine.answer(
            id: "a", customID: "c", answer: HTTPAnswer(status: 200, headers: headers, body: []))
        let response = try #require(try parsed(line)["response"] as? [String: Any])
        if let expected {
            #expect(response["request_id"] as? String == expected)
        } else {
            #expect(response["request_id"] is NSNull)
        }
    }

    @Test("an answer line can carry an error")
    func answerWithError() throws {
        let answer = HTTPAnswer(status: 200, headers: [:], body: Array("not json".utf8))
        let line = OutputLine.answer(
            id: "a", customID: "c", answer: answer,
            error: (code: "invalid_response_body", message: "bad body"))
        let error = try #require(try parsed(line)["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid_response_body")
        #expect(error["message"] as? String == "bad body")
    }

    @Test("a failure line has response null and the error", arguments: ["job-\"9\"\n", nil] as [String?])
    func failureLine(customID: String?) throws {
        let message = "data.jsonl line 3: not valid JSON\nat byte 4"
        let line = OutputLine.failure(
            id: OutputLine.id(job: 1, line: 3), customID: customID, code: "invalid_json_line",
            message: message)
        checkFraming(line)
        let object = try parsed(line)
        #expect(object["id"] as? String == "batch_req_1_3")
        #expect(object["response"] is NSNull)
        if let customID {
            #expect(object["custom_id"] as? String == customID)
        } else {
            #expect(object["custom_id"] is NSNull)
        }
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid_json_line")
        #expect(error["message"] as? String == message)
    }

    @Test("custom_id with quotes, backslashes and non-ASCII round-trips")
    func escapedCustomID() throws {
        let customID = "a\"b\\c/é😀\u{1}"
        let line = OutputLine.answer(
            id: "x", customID: customID, answer: HTTPAnswer(status: 200, headers: [:], body: Array("{}".utf8))
        )
        checkFraming(line)
        #expect(try parsed(line)["custom_id"] as? String == customID)
    }
}
