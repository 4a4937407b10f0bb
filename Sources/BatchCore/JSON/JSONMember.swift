/// One top-level member of a JSON object, as found by ``JSONScanner/topLevelMembers(_:)``.
///
/// Guarantees: `key` is the fully decoded key (escapes resolved); `range` is the byte range of
/// the member's *value* within the scanned buffer, exactly covering the value's text (for strings
/// including both quotes, for containers from the opening to the closing bracket).
public struct JSONMember: Sendable, Equatable {
    /// The decoded member name.
    public let key: String
    /// What kind of value the member holds.
    public let kind: JSONValueKind
    /// Byte range of the value within the scanned buffer.
    public let range: Range<Int>

    /// Creates a member description.
    public init(key: String, kind: JSONValueKind, range: Range<Int>) {
        self.key = key
        self.kind = kind
        self.range = range
    }
}
