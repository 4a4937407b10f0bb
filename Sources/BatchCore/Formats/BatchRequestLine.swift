/// One accepted request line of a Batch API input file.
///
/// Guarantees (as produced by ``BatchLineParser``): `customID` and `model` are non-empty,
/// `path` is one of the parser's accepted paths, and `bodyRange` is the exact byte range of the
/// line's `body` object (from `{` to `}`) within the buffer that was parsed.
public struct BatchRequestLine: Sendable, Equatable {
    /// The caller's identifier for the request (`custom_id`).
    public let customID: String
    /// The API operation, from the line's `url`.
    public let path: APIPath
    /// `body.model`.
    public let model: String
    /// Byte range of the `body` object within the parsed line buffer.
    public let bodyRange: Range<Int>
    /// What the request costs against a tokens-per-minute budget (``TokenCost``), estimated from
    /// the body members the parser scanned anyway; 0 from a parser that does not estimate
    /// (``BatchLineParser/estimatesTokenCost``).
    public let tokenCost: Int

    /// Creates a request line.
    public init(customID: String, path: APIPath, model: String, bodyRange: Range<Int>, tokenCost: Int) {
        self.customID = customID
        self.path = path
        self.model = model
        self.bodyRange = bodyRange
        self.tokenCost = tokenCost
    }
}
