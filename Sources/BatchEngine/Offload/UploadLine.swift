import BatchCore

/// The line a Batch API input file carries for one input line, built from the line's own bytes:
/// `{"custom_id":…,"method":"POST","url":…,"body":…}` with the `custom_id` and `body` values
/// copied byte for byte, the `url` in the provider's form (``Endpoint/batchLineURL(for:)``), a
/// leading UTF-8 BOM and a trailing CR dropped (Azure rejects a BOM), and no line break (the
/// file writer ends every line with LF).
public enum UploadLine {
    /// Why a line cannot be put in an upload (it was valid at ingest; the file changed since).
    public struct Problem: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The upload line for `line`, whose requests go to `url`.
    public static func build(_ line: [UInt8], url: String) throws(Problem) -> [UInt8] {
        var bytes = line[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            bytes = bytes.dropLast()
        }
        let text = Array(bytes)
        let members: [JSONMember]?
        do throws(JSONScanError) {
            members = try JSONScanner.topLevelMembers(text)
        } catch {
            throw Problem(reason: "the line is not valid JSON: \(error)")
        }
        guard let members else { throw Problem(reason: "the line is not a JSON object") }
        guard let customID = members.first(where: { $0.key == "custom_id" && $0.kind == .string }) else {
            throw Problem(reason: "the line has no custom_id string")
        }
        guard let body = members.first(where: { $0.key == "body" && $0.kind == .object }) else {
            throw Problem(reason: "the line has no body object")
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 64)
        out += Array("{\"custom_id\":".utf8)
        out += text[customID.range]
        out += Array(",\"method\":\"POST\",\"url\":".utf8)
        JSONEscaping.appendQuoted(url, to: &out)
        out += Array(",\"body\":".utf8)
        out += text[body.range]
        out.append(UInt8(ascii: "}"))
        return out
    }
}
