/// Maps a `custom_id` to a safe, unique file name (without extension) for saved binary answers.
///
/// Mapping: ASCII letters, digits, `-`, `_` and `.` (except a leading `.`) are kept; every other
/// byte of the UTF-8 form, `%` included, becomes `%XX` (upper-case hex). So `call 7/a` becomes
/// `call%207%2Fa`, names never contain `/`, never start with `.`, and different ids give different
/// names. A name longer than ``maxBytes`` keeps its first 160 bytes followed by `~` and the
/// 16-hex-digit FNV-1a hash of the id (`~` never occurs in an encoded name).
public enum OutputFileName {
    /// Longest name produced, in bytes (file systems allow 255; room is left for extensions and
    /// temporary suffixes).
    public static let maxBytes = 200

    /// The file name for `customID`.
    public static func forCustomID(_ customID: String) -> String {
        var out: [UInt8] = []
        for (index, byte) in customID.utf8.enumerated() {
            if isKept(byte) && !(index == 0 && byte == UInt8(ascii: ".")) {
                out.append(byte)
            } else {
                out += Array("%".utf8) + hex(byte)
            }
        }
        guard out.count > maxBytes else { return String(decoding: out, as: UTF8.self) }
        var cut = 160
        while cut > 0, out[cut - 1] == UInt8(ascii: "%") || (cut > 1 && out[cut - 2] == UInt8(ascii: "%")) {
            cut -= 1
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in customID.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(decoding: out[..<cut], as: UTF8.self) + "~"
            + String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func isKept(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    private static func hex(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
    }
}
