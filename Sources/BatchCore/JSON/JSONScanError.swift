/// Why a buffer is not valid JSON, and where.
///
/// `offset` is the 0-based byte offset in the scanned buffer where the problem was detected
/// (for an unterminated string: its opening quote; for a trailing comma: the comma). `reason` is a
/// short human-readable phrase without the offset; a grammar error says what was expected and
/// what was found (`expected a value after ':', found '}'`), naming the token found (`the word
/// 'this'`, `the string "abc"`, `the end of the text`, …) rather than one byte of it.
public struct JSONScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 0-based byte offset of the problem.
    public let offset: Int
    /// Human-readable explanation, without position information.
    public let reason: String

    /// Creates an error at `offset` with a human-readable `reason`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `"<reason> at byte <offset>"`.
    public var description: String { "\(reason) at byte \(offset)" }

    /// Whether the problem is a malformed UTF-8 sequence (rather than a JSON grammar error).
    public var isInvalidUTF8: Bool { reason == JSONScanError.invalidUTF8Reason }

    static let invalidUTF8Reason = "invalid UTF-8"
}
