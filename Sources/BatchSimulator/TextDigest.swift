/// The character count and a content hash of all text in a JSON fragment, computed in one pass.
///
/// Strings count directly; arrays are summed; objects contribute their `content`, `text`, `input`
/// and `input_text` fields (the message and content-part shapes). Numbers contribute to the hash
/// but count 0 characters. The hash seeds the deterministic answer text.
struct TextDigest: Sendable {
    /// Unicode scalars of all text found.
    private(set) var characters = 0
    /// FNV-1a over all text found.
    private(set) var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    init(_ value: Any?) {
        add(value)
    }

    private mutating func add(_ value: Any?) {
        switch value {
        case let s as String:
            for scalar in s.unicodeScalars {
                characters += 1
                mix(UInt64(scalar.value))
            }
        case let array as [Any]:
            for item in array { add(item) }
        case let object as [String: Any]:
            for key in ["content", "text", "input", "input_text"] {
                add(object[key])
            }
        case let number as Int:
            mix(UInt64(bitPattern: Int64(number)))
        default:
            break
        }
    }

    private mutating func mix(_ value: UInt64) {
        hash ^= value
        hash = hash &* 0x100_0000_01b3
    }
}
