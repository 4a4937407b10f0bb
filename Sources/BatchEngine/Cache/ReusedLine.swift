import BatchCore

/// A results line made from an earlier one: a new `id`, this line's `custom_id`, and the earlier
/// line's `response` byte for byte (status, request id, body).
public enum ReusedLine {
    /// The line for `id` and `customID` from `source` (a whole results line, newline included),
    /// and the tokens its answer reported; nil when `source` is not a 2xx results line.
    public static func make(from source: [UInt8], id: String, customID: String) -> (
        line: [UInt8], usage: TokenUsage?
    )? {
        guard source.last == 0x0A else { return nil }
        return source.withUnsafeBytes { whole -> (line: [UInt8], usage: TokenUsage?)? in
            let bytes = UnsafeRawBufferPointer(rebasing: whole[0..<(whole.count - 1)])
            guard let members = (try? JSONScanner.topLevelMembers(bytes)) ?? nil,
                let response = members.last(where: { $0.key == "response" }), response.kind == .object
            else { return nil }
            return make(
                response: UnsafeRawBufferPointer(rebasing: bytes[response.range]), id: id, customID: customID)
        }
    }

    /// The line for `id` and `customID` whose `response` is `response` (a kept body, inflated),
    /// and the tokens its answer reported; nil when it is not a 2xx response object.
    public static func make(response: [UInt8], id: String, customID: String) -> (
        line: [UInt8], usage: TokenUsage?
    )? {
        response.withUnsafeBytes { make(response: $0, id: id, customID: customID) }
    }

    private static func make(response raw: UnsafeRawBufferPointer, id: String, customID: String) -> (
        line: [UInt8], usage: TokenUsage?
    )? {
        guard let inner = (try? JSONScanner.topLevelMembers(raw)) ?? nil,
            let status = inner.last(where: { $0.key == "status_code" }),
            let code = JSONScanner.integerValue(UnsafeRawBufferPointer(rebasing: raw[status.range])),
            (200..<300).contains(code)
        else { return nil }
        let usage = inner.last(where: { $0.key == "body" }).flatMap { body in
            TokenUsage.read(fromBody: Array(raw[body.range]))
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + customID.utf8.count + 64)
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONEscaping.appendQuoted(id, to: &out)
        out.append(contentsOf: #","custom_id":"#.utf8)
        JSONEscaping.appendQuoted(customID, to: &out)
        out.append(contentsOf: #","response":"#.utf8)
        out.append(contentsOf: raw)
        out.append(contentsOf: #","error":null}"#.utf8)
        out.append(0x0A)
        return (out, usage)
    }
}
