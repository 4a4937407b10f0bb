/// The hash ingest records for each request's line and the sender compares before sending it.
///
/// It is the low 32 bits of the line's XXH64 digest (seed 0, ``FingerprintHasher``, the hash of
/// the whole input), over exactly the `length` bytes at the line's offset (no line ending). 32
/// bits are enough for what it is for: a line edited in place passes unnoticed with a chance of
/// one in 4 billion, and the row stays small (4 bytes).
public enum LineHash {
    /// The hash of `bytes`.
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var hasher = FingerprintHasher()
        hasher.update(bytes)
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    /// The hash of `bytes`.
    public static func of(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { of($0) }
    }
}
