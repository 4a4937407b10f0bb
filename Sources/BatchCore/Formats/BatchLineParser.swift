/// Parses and validates one line of an OpenAI Batch API input file.
///
/// A line is accepted when it is one JSON object (valid UTF-8 throughout, no duplicate top-level
/// keys) with a non-empty string `custom_id` of at most ``maxCustomIDBytes`` bytes, `method`
/// exactly `"POST"`, a `url` of the form `/v1/<path>` or `/<path>` naming one of
/// ``acceptedPaths``, an object `body`, and a non-empty string `body.model` (that can be an Azure
/// deployment name, when ``modelNamesAzureDeployment``). Other top-level keys
/// are ignored. The line must already be stripped of its line ending (and of a file-start BOM).
/// Every failure becomes a ``LineRejection`` with a stable code; parsing never throws or traps.
public struct BatchLineParser: Sendable {
    /// Longest `custom_id` accepted, in UTF-8 bytes.
    public static let maxCustomIDBytes = 512

    /// Longest line accepted, in bytes.
    public var maxLineBytes: Int
    /// Operations accepted in `url`.
    public var acceptedPaths: Set<APIPath>
    /// Whether ``BatchRequestLine/tokenCost`` is estimated (ingest) or left 0 (a line read back to
    /// be sent, whose cost is already stored).
    public var estimatesTokenCost: Bool
    /// Whether `body.model` names an Azure deployment (the job's endpoint is Azure): a name that
    /// cannot be one (``AzureDeploymentName``) is rejected as `invalid_deployment`.
    public var modelNamesAzureDeployment: Bool

    /// Creates a parser; by default lines up to 4 MiB and the five JSON-bodied operations.
    public init(
        maxLineBytes: Int = 4 * 1024 * 1024, acceptedPaths: Set<APIPath> = APIPath.batchDefaults,
        estimatesTokenCost: Bool = true, modelNamesAzureDeployment: Bool = false
    ) {
        self.maxLineBytes = maxLineBytes
        self.acceptedPaths = acceptedPaths
        self.estimatesTokenCost = estimatesTokenCost
        self.modelNamesAzureDeployment = modelNamesAzureDeployment
    }

    /// Parses one line; `bodyRange` in the result is relative to `line`.
    public func parse(_ line: UnsafeRawBufferPointer) -> Result<BatchRequestLine, LineRejection> {
        parseKeepingBody(line).map(\.request)
    }

    /// ``parse(_:)``, also returning the body's top-level members (ranges relative to `line`), for
    /// callers that look further into the body without scanning it again.
    func parseKeepingBody(_ line: UnsafeRawBufferPointer) -> Result<
        (request: BatchRequestLine, body: [JSONRawMember]), LineRejection
    > {
        guard line.count <= maxLineBytes else {
            return .failure(.lineTooLong(length: line.count, limit: maxLineBytes))
        }
        var bodyMembers: [JSONRawMember]? = nil
        let scanned: [JSONRawMember]?
        do {
            scanned = try JSONScanner.rawTopLevelMembers(line, expanding: "body", nested: &bodyMembers)
        } catch {
            return .failure(Self.rejection(for: error, in: line))
        }
        guard let members = scanned else {
            let kind = (try? JSONScanner.validate(line)).map { "\($0)" } ?? "value"
            return .failure(
                LineRejection(
                    code: LineRejection.notAnObject, reason: "the line is a JSON \(kind), not an object"))
        }
        do {
            let request = try buildRequest(line, members: members, bodyMembers: bodyMembers)
            return .success((request, bodyMembers ?? []))
        } catch {
            return .failure(error)
        }
    }

    /// Parses one line held in an array; `bodyRange` in the result indexes into `line`.
    public func parse(_ line: [UInt8]) -> Result<BatchRequestLine, LineRejection> {
        line.withUnsafeBytes { parse($0) }
    }

    /// Classifies a scan failure: any invalid UTF-8 in the line wins over grammar errors; a line
    /// that does not start with `{` is reported as not an object, with what it starts with.
    private static func rejection(for error: JSONScanError, in line: UnsafeRawBufferPointer) -> LineRejection
    {
        if error.isInvalidUTF8 {
            return LineRejection(
                code: LineRejection.invalidUTF8, reason: "not valid UTF-8 at byte \(error.offset + 1)")
        }
        if let offset = UTF8Validation.firstInvalidOffset(line) {
            return LineRejection(
                code: LineRejection.invalidUTF8, reason: "not valid UTF-8 at byte \(offset + 1)")
        }
        var cursor = JSONCursor(line)
        cursor.skipWhitespace()
        let found = cursor.peek() == UInt8(ascii: "{") ? error : cursor.unexpected(expecting: "a JSON object")
        return LineRejection(
            code: LineRejection.invalidJSONLine,
            reason: "not valid JSON at byte \(found.offset + 1): \(found.reason)")
    }
}
