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
        /// The members of the objects being written, innermost last: each one's key (in `bytes`)
        /// and where it lies in the output, from just after its object's opening brace.
        var members: [Member] = []
        /// A copy of an object's members while they are put in key order.
        var scratch: [UInt8] = []

        struct Member {
            var key: Range<Int>
            var start: Int
            var end: Int
        }

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

        /// Writes the object at `pos` in place: its members go to `out` in the order read, and are
        /// moved into key order only when they are not in it already (one copy of the object's
        /// bytes), so no member costs an allocation of its own.
        mutating func object(into out: inout [UInt8], depth: Int) -> Bool {
            pos += 1
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                out.append(contentsOf: "{}".utf8)
                return true
            }
            out.append(UInt8(ascii: "{"))
            let objectStart = out.count
            let base = members.count
            defer { members.removeSubrange(base...) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\""), let key = string() else {
                    return false
                }
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return false }
                pos += 1
                skipSpace()
                let start = out.count
                out.append(contentsOf: bytes[key])
                out.append(UInt8(ascii: ":"))
                guard self.value(into: &out, depth: depth + 1) else { return false }
                members.append(Member(key: key, start: start - objectStart, end: out.count - objectStart))
                skipSpace()
                guard pos < bytes.count else { return false }
                let byte = bytes[pos]
                pos += 1
                if byte == UInt8(ascii: "}") { break }
                guard byte == UInt8(ascii: ",") else { return false }
                out.append(UInt8(ascii: ","))
            }
            if !inKeyOrder(members[base...]) {
                let bytes = self.bytes
                var sorted = Array(members[base...])
                sorted.sort { lhs, rhs in bytes[lhs.key].lexicographicallyPrecedes(bytes[rhs.key]) }
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: out[objectStart...])
                out.removeSubrange(objectStart...)
                for (index, member) in sorted.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: scratch[member.start..<member.end])
                }
            }
            out.append(UInt8(ascii: "}"))
            return true
        }

        /// Whether `members`' keys are in strictly increasing byte order.
        private func inKeyOrder(_ members: ArraySlice<Member>) -> Bool {
            var previous: Range<Int>? = nil
            for member in members {
                if let previous, !Self.precedes(bytes, previous, member.key) { return false }
                previous = member.key
            }
            return true
        }

        /// Whether the bytes of `lhs` come strictly before those of `rhs`.
        @inline(__always)
        private static func precedes(_ bytes: UnsafeRawBufferPointer, _ lhs: Range<Int>, _ rhs: Range<Int>)
            -> Bool
        {
            let count = min(lhs.count, rhs.count)
            var index = 0
            while index < count {
                let (left, right) = (bytes[lhs.lowerBound + index], bytes[rhs.lowerBound + index])
                if left != right { return left < right }
                index += 1
            }
            return lhs.count < rhs.count
        }
    }
}
