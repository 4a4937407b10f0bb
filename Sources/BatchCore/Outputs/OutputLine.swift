/// Encodes one line of a results or errors file in the Batch API output schema:
///
///     {"id": "batch_req_…", "custom_id": "…",
///      "response": {"status_code": 200, "request_id": "…", "body": {…}} | null,
///      "error": {"code": "…", "message": "…"} | null}
///
/// Guarantees: the line is valid JSON, contains no raw newline, and ends with exactly one `\n`.
/// An answer body that is valid JSON is embedded as is (its insignificant line breaks turned into
/// spaces); any other body is embedded as a JSON string.
public enum OutputLine {
    /// The `id` of a line: stable for a given job and input line, so a re-run of a crashed
    /// job writes the same id again.
    public static func id(job: Int64, line: Int) -> String {
        "batch_req_\(job)_\(line)"
    }

    /// A line for an HTTP answer (2xx in the results file, any other status in the errors file).
    /// `error` is set only when the answer could not be used (for example an unreadable body).
    public static func answer(
        id: String,
        customID: String,
        answer: HTTPAnswer,
        error: (code: String, message: String)? = nil,
        bodyIsJSON: Bool? = nil
    ) -> [UInt8] {
        var out = answerPrefix(
            id: id, customID: customID, status: answer.status, requestID: answer.requestID,
            reserving: answer.body.count + 64)
        appendBody(answer.body, isJSON: bodyIsJSON ?? ResponseBody.isJSONValue(answer.body), to: &out)
        out.append(contentsOf: #"},"error":"#.utf8)
        appendError(error, to: &out)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// What an answer's line holds before its body: `{"id":…,"custom_id":…,"response":
    /// {"status_code":…,"request_id":…,"body":`, with room for `reserving` more bytes. A body that
    /// is valid JSON with no line break, then ``answerSuffix``, completes the line; a pack's
    /// answer is split back into lines that way, each body written once.
    public static func answerPrefix(
        id: String, customID: String, status: Int, requestID: String?, reserving: Int = 0
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(reserving + customID.utf8.count + 96)
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONEscaping.appendQuoted(id, to: &out)
        out.append(contentsOf: #","custom_id":"#.utf8)
        JSONEscaping.appendQuoted(customID, to: &out)
        out.append(contentsOf: #","response":{"status_code":"#.utf8)
        out.append(contentsOf: String(status).utf8)
        out.append(contentsOf: #","request_id":"#.utf8)
        appendOptionalString(requestID, to: &out)
        out.append(contentsOf: #","body":"#.utf8)
        return out
    }

    /// What follows the body of a usable answer (``answerPrefix(id:customID:status:requestID:reserving:)``).
    public static let answerSuffix = Array(#"},"error":null}"#.utf8) + [0x0A]

    /// A line for a failure with no usable HTTP answer (a rejected input line, a timeout, …).
    public static func failure(id: String, customID: String?, code: String, message: String) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONEscaping.appendQuoted(id, to: &out)
        out.append(contentsOf: #","custom_id":"#.utf8)
        appendOptionalString(customID, to: &out)
        out.append(contentsOf: #","response":null,"error":"#.utf8)
        appendError((code, message), to: &out)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    private static func appendOptionalString(_ value: String?, to out: inout [UInt8]) {
        if let value {
            JSONEscaping.appendQuoted(value, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }

    private static func appendError(_ error: (code: String, message: String)?, to out: inout [UInt8]) {
        guard let error else {
            out.append(contentsOf: "null".utf8)
            return
        }
        out.append(contentsOf: #"{"code":"#.utf8)
        JSONEscaping.appendQuoted(error.code, to: &out)
        out.append(contentsOf: #","message":"#.utf8)
        JSONEscaping.appendQuoted(error.message, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func appendBody(_ body: [UInt8], isJSON: Bool, to out: inout [UInt8]) {
        if isJSON {
            // In valid JSON a CR or LF byte can only be insignificant white space. Most bodies have
            // none (an embeddings answer runs to megabytes): those are copied whole.
            guard LineBreaks.present(in: body) else {
                out.append(contentsOf: body)
                return
            }
            for byte in body {
                out.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte)
            }
        } else {
            JSONEscaping.appendQuoted(String(decoding: body, as: UTF8.self), to: &out)
        }
    }
}
