/// The six kinds of JSON value (RFC 8259 §3), as reported by ``JSONScanner``.
///
/// `true` and `false` are both ``bool``. The kind says nothing about the value's contents;
/// use the byte range of a ``JSONMember`` to look at the token itself.
public enum JSONValueKind: Sendable, Equatable {
    case object
    case array
    case string
    case number
    case bool
    case null
}
