/// An object member located by byte ranges only, so callers can match keys without creating
/// strings. Internal building block of ``JSONScanner/topLevelMembers(_:)-(UnsafeRawBufferPointer)``
/// and of the Batch line parser.
struct JSONRawMember {
    /// The key's bytes between the quotes (still escaped if `keyEscaped`).
    var keyRange: Range<Int>
    /// Whether the key contains escapes (then compare via ``key(in:)``).
    var keyEscaped: Bool
    var kind: JSONValueKind
    /// The value's byte range.
    var range: Range<Int>

    /// The decoded key.
    func key(in bytes: UnsafeRawBufferPointer) -> String {
        if !keyEscaped {
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[keyRange]), as: UTF8.self)
        }
        let token = UnsafeRawBufferPointer(
            rebasing: bytes[(keyRange.lowerBound - 1)..<(keyRange.upperBound + 1)])
        return JSONStringDecoder.decode(validatedToken: token)
    }

    /// Whether the key equals `name` (ASCII), without allocating for unescaped keys.
    func keyEquals(_ name: StaticString, in bytes: UnsafeRawBufferPointer) -> Bool {
        if keyEscaped { return key(in: bytes) == name.description }
        return JSONRawMember.equal(bytes, keyRange, name)
    }

    /// Whether `bytes[range]` equals the bytes of `name`.
    @inline(__always)
    static func equal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        return memcmp(bytes.baseAddress! + range.lowerBound, name.utf8Start, range.count) == 0
    }

    /// Whether two members have the same key.
    func sameKey(as other: JSONRawMember, in bytes: UnsafeRawBufferPointer) -> Bool {
        if keyEscaped || other.keyEscaped { return key(in: bytes) == other.key(in: bytes) }
        guard keyRange.count == other.keyRange.count else { return false }
        return memcmp(
            bytes.baseAddress! + keyRange.lowerBound, bytes.baseAddress! + other.keyRange.lowerBound,
            keyRange.count) == 0
    }
}

/// Byte comparison without pulling in Foundation or the C library.
@inline(__always)
private func memcmp(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Int {
    var index = 0
    while index < count {
        let difference =
            Int(lhs.load(fromByteOffset: index, as: UInt8.self))
            - Int(rhs.load(fromByteOffset: index, as: UInt8.self))
        if difference != 0 { return difference }
        index += 1
    }
    return 0
}
