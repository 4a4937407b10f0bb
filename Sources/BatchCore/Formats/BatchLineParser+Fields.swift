/// Field-by-field checks of a scanned Batch line (the grammar was already validated).
///
/// Keys and the `method`/`url` values are compared as raw bytes, so an accepted line costs only
/// the strings it returns (`custom_id`, `model`).
extension BatchLineParser {
    /// The members the parser looks at, found in one pass.
    private struct Fields {
        var customID: JSONRawMember?
        var method: JSONRawMember?
        var url: JSONRawMember?
        var body: JSONRawMember?

        init(_ members: [JSONRawMember], in line: UnsafeRawBufferPointer) {
            for member in members {
                if member.keyEquals("custom_id", in: line) {
                    customID = member
                } else if member.keyEquals("method", in: line) {
                    method = member
                } else if member.keyEquals("url", in: line) {
                    url = member
                } else if member.keyEquals("body", in: line) {
                    body = member
                }
            }
        }
    }

    func buildRequest(
        _ line: UnsafeRawBufferPointer, members: [JSONRawMember], bodyMembers: [JSONRawMember]?
    ) throws(LineRejection) -> BatchRequestLine {
        if let duplicate = Self.firstDuplicateKey(members, in: line) {
            throw LineRejection(
                code: LineRejection.invalidJSONLine,
                reason: "duplicate key \(JSONEscaping.quoted(duplicate)) in the request object")
        }
        let fields = Fields(members, in: line)
        let customID = try customID(line, fields.customID)
        try checkMethod(line, fields.method)
        let path = try path(line, fields.url)
        guard let body = fields.body else {
            throw LineRejection(code: LineRejection.invalidBody, reason: "body is missing")
        }
        guard body.kind == .object, let bodyMembers else {
            throw LineRejection(
                code: LineRejection.invalidBody, reason: "body must be an object, found \(body.kind)")
        }
        let model = try model(line, bodyMembers.last { $0.keyEquals("model", in: line) })
        return BatchRequestLine(
            customID: customID, path: path, model: model, bodyRange: body.range,
            tokenCost: estimatesTokenCost ? TokenCost.estimate(members: bodyMembers, in: line, path: path) : 0
        )
    }

    private func customID(_ line: UnsafeRawBufferPointer, _ member: JSONRawMember?) throws(LineRejection)
        -> String
    {
        guard let member else {
            throw LineRejection(code: LineRejection.missingCustomID, reason: "custom_id is missing")
        }
        guard member.kind == .string else {
            throw LineRejection(
                code: LineRejection.invalidCustomID,
                reason: "custom_id must be a string, found \(member.kind)")
        }
        let value = Self.string(line, member)
        guard !value.isEmpty else {
            throw LineRejection(code: LineRejection.emptyCustomID, reason: "custom_id is empty")
        }
        let length = value.utf8.count
        guard length <= Self.maxCustomIDBytes else {
            throw LineRejection(
                code: LineRejection.invalidCustomID,
                reason: "custom_id is \(length) bytes, over the limit of \(Self.maxCustomIDBytes) bytes")
        }
        return value
    }

    private func checkMethod(_ line: UnsafeRawBufferPointer, _ member: JSONRawMember?) throws(LineRejection) {
        guard let member else {
            throw LineRejection(
                code: LineRejection.invalidMethod, reason: "method is missing (expected \"POST\")")
        }
        if member.kind == .string && JSONRawMember.equal(line, member.range, "\"POST\"") { return }
        if member.kind == .string && Self.string(line, member) == "POST" { return }  // escaped spelling
        throw LineRejection(
            code: LineRejection.invalidMethod,
            reason: "method must be \"POST\", found \(Self.text(line, member.range))")
    }

    private func path(_ line: UnsafeRawBufferPointer, _ member: JSONRawMember?) throws(LineRejection)
        -> APIPath
    {
        guard let member else {
            throw LineRejection(code: LineRejection.missingURL, reason: "url is missing")
        }
        guard member.kind == .string else {
            throw LineRejection(
                code: LineRejection.urlMismatch, reason: "url must be a string, found \(member.kind)")
        }
        let inner = UnsafeRawBufferPointer(
            rebasing: line[(member.range.lowerBound + 1)..<(member.range.upperBound - 1)])
        if let path = APIPath(urlBytes: inner), acceptedPaths.contains(path) { return path }
        let url = Self.string(line, member)
        if let path = APIPath(url: url), acceptedPaths.contains(path) { return path }
        let supported = APIPath.allCases.filter(acceptedPaths.contains).map(\.urlPath).joined(separator: ", ")
        throw LineRejection(
            code: LineRejection.urlMismatch,
            reason: "url \(JSONEscaping.quoted(url)) is not supported (supported: \(supported))")
    }

    private func model(_ line: UnsafeRawBufferPointer, _ member: JSONRawMember?) throws(LineRejection)
        -> String
    {
        guard let member else {
            throw LineRejection(code: LineRejection.missingModel, reason: "body.model is missing")
        }
        guard member.kind == .string else {
            throw LineRejection(
                code: LineRejection.missingModel, reason: "body.model must be a string, found \(member.kind)")
        }
        let value = Self.string(line, member)
        guard !value.isEmpty else {
            throw LineRejection(code: LineRejection.missingModel, reason: "body.model is empty")
        }
        if modelNamesAzureDeployment, let problem = AzureDeploymentName.problem(value) {
            throw LineRejection(
                code: LineRejection.invalidDeployment,
                reason: InvalidDeploymentName(name: value, problem: problem).description)
        }
        return value
    }

    /// First key that occurs more than once, if any.
    static func firstDuplicateKey(_ members: [JSONRawMember], in line: UnsafeRawBufferPointer) -> String? {
        if members.count <= 16 {
            for index in members.indices.dropFirst() {
                let member = members[index]
                if members[..<index].contains(where: { $0.sameKey(as: member, in: line) }) {
                    return member.key(in: line)
                }
            }
            return nil
        }
        var seen = Set<String>(minimumCapacity: members.count)
        return members.lazy.map { $0.key(in: line) }.first { !seen.insert($0).inserted }
    }

    /// The decoded value of a string member (already validated by the scan).
    private static func string(_ line: UnsafeRawBufferPointer, _ member: JSONRawMember) -> String {
        (try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: line[member.range]))) ?? ""
    }

    /// The raw JSON text of a value, shortened for messages.
    private static func text(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        let clipped = range.lowerBound..<min(range.upperBound, range.lowerBound + 64)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[clipped]), as: UTF8.self)
        return clipped.count < range.count ? text + "…" : text
    }
}
