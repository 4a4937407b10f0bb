/// Why one input line was not accepted as a request.
///
/// Guarantees: `code` is one of the stable short codes below (safe to match on and to write into
/// error files); `reason` is a human-readable sentence without the line number (callers prefix
/// `"line N: "`). A position within the line is given as `byte N`, counted from 1 like line
/// numbers; a JSON error says what was expected there and what was found
/// (`not valid JSON at byte 1: expected a JSON object, found the word 'this'`).
public struct LineRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `"missing_model"`.
    public let code: String
    /// Human-readable explanation, without the line number.
    public let reason: String

    /// Creates a rejection with a code and reason.
    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `"<code>: <reason>"`.
    public var description: String { "\(code): \(reason)" }

    /// The line is not valid JSON.
    public static let invalidJSONLine = "invalid_json_line"
    /// The line contains bytes that are not valid UTF-8.
    public static let invalidUTF8 = "invalid_utf8"
    /// The line is longer than the configured maximum.
    public static let lineTooLong = "line_too_long"
    /// The line is valid JSON but not an object.
    public static let notAnObject = "not_an_object"
    /// `custom_id` is absent.
    public static let missingCustomID = "missing_custom_id"
    /// `custom_id` is the empty string.
    public static let emptyCustomID = "empty_custom_id"
    /// `custom_id` is not a string, or too long.
    public static let invalidCustomID = "invalid_custom_id"
    /// `method` is absent or not `"POST"`.
    public static let invalidMethod = "invalid_method"
    /// `url` is absent.
    public static let missingURL = "missing_url"
    /// `url` is not a supported operation.
    public static let urlMismatch = "url_mismatch"
    /// `body` is absent or not an object.
    public static let invalidBody = "invalid_body"
    /// `body.model` is absent, not a string, or empty.
    public static let missingModel = "missing_model"
    /// A file the request uploads (`body.file`, `body.image`, …) is missing, unreadable, too
    /// large, or outside the folders it may come from.
    public static let invalidFile = "invalid_file"
    /// `body.model` cannot be an Azure deployment name (``AzureDeploymentName``); only for jobs
    /// whose endpoint is Azure, where the name goes into the URL path.
    public static let invalidDeployment = "invalid_deployment"
    /// The `custom_id` was already used by an earlier line of the same file.
    public static let duplicateCustomID = "duplicate_custom_id"

    /// A rejection for a `custom_id` already seen on `firstLine` (detected by callers, which see
    /// the whole file).
    public static func duplicateCustomID(_ customID: String, firstLine: Int) -> LineRejection {
        LineRejection(
            code: duplicateCustomID,
            reason: "custom_id \(JSONEscaping.quoted(customID)) was already used on line \(firstLine)")
    }

    /// A rejection for a line of `length` bytes over `limit` (also used by readers that never
    /// buffer such lines).
    public static func lineTooLong(length: Int, limit: Int) -> LineRejection {
        LineRejection(code: lineTooLong, reason: "line is \(length) bytes, over the limit of \(limit) bytes")
    }
}
