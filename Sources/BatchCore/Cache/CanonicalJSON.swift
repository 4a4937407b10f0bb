/// The canonical form of a JSON value, so that two bodies that mean the same request have the same
/// bytes: objects' members sorted by key (their raw bytes, byte-wise), no insignificant white
/// space. Strings and numbers are kept as written (`1.0` and `1`, `"\u0041"` and `"A"` stay apart:
/// a request written differently at worst misses the cache, never hits a different one).
///
/// The input must be valid JSON (the line parser checked it at ingest); anything else gives nil.
public enum CanonicalJSON {
    /// The canonical bytes of `bytes`, or nil when it is not valid JSON.
    public static func canonical(_ bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBytes { canonical($0) }
    }

    /// The canonical bytes of `bytes`, or nil when it is not valid JSON.
    public static func canonical(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        var writer = Writer(bytes: bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        writer.skipSpace()
        guard writer.value(into: &out, depth: 0) else { return nil }
        writer.skipSpace()
        return writer.pos == bytes.count ? out : nil
    }

    private struct Writer {
        let bytes: UnsafeRawBufferPointer
        var pos = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func skipSpace() {
            while pos < bytes.count {
                switch bytes[pos] {
                case 0x20, 0x09, 0x0A, 0x0D: pos += 1
                default: return
                }
            }
        }

        mutating func value(into out: inout [UInt8], depth: Int) -> Bool {
            guard pos < bytes.count, depth < 512 else { return false }
            switch bytes[pos] {
            case UInt8(ascii: "{"): return object(into: &out, depth: depth)
            case UInt8(ascii: "["): return array(into: &out, depth: depth)
            case UInt8(ascii: "\""):
                guard let range = string() else { return false }
                out.append(contentsOf: bytes[range])
                return true
            default:
                let start = pos
                while pos < bytes.count {
                    switch bytes[pos] {
                    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D:
                        break
                    default:
                        pos += 1
                        continue
                    }
                    break
                }
                guard pos > start else { return false }
                out.append(contentsOf: bytes[start..<pos])
                return true
            }
        }

        /// Skips the string at `pos` (on its quote); returns its range, quotes included.
        mutating func string() -> Range<Int>? {
            let start = pos
            pos += 1
            while pos < bytes.count {
                switch bytes[pos] {
                case UInt8(ascii: "\\"): pos += 2
                case UInt8(ascii: "\""):
                    pos += 1
                    return start..<pos
                default: pos += 1
                }
            }
            return nil
        }

        mutating func array(into out: inout [UInt8], depth: Int) -> Bool {
            pos += 1
            out.append(UInt8(ascii: "["))
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                out.append(UInt8(ascii: "]"))
                return true
            }
            while true {
                skipSpace()
                guard value(into: &out, depth: depth + 1) else { return false }
                skipSpace()
                guard pos < bytes.count else { return false }
                let byte = bytes[pos]
                pos += 1
                out.append(byte)
                if byte == UInt8(ascii: "]") { return true }
                guard byte == UInt8(ascii: ",") else { return false }
            }
        }

        mutating func object(into out: inout [UInt8], depth: Int) -> Bool {
            pos += 1
            skipSpace()
            var members: [(key: Range<Int>, value: [UInt8])] = []
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                out.append(contentsOf: "{}".utf8)
                return true
            }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\""), let key = string() else {
                    return false
                }
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return false }
                pos += 1
                skipSpace()
                var value: [UInt8] = []
                guard self.value(into: &value, depth: depth + 1) else { return false }
                members.append((key, value))
                skipSpace()
                guard pos < bytes.count else { return false }
                let byte = bytes[pos]
                pos += 1
                if byte == UInt8(ascii: "}") { break }
                guard byte == UInt8(ascii: ",") else { return false }
            }
            let bytes = self.bytes
            if members.count > 1 {
                members.sort { lhs, rhs in
                    bytes[lhs.key].lexicographicallyPrecedes(bytes[rhs.key])
                }
            }
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: bytes[member.key])
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: member.value)
            }
            out.append(UInt8(ascii: "}"))
            return true
        }
    }
}
