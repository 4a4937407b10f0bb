/// Deterministic pseudo-content: hashes, word sequences and random-looking numbers derived from
/// the request, so the same request always gets the same answer text and vectors.
enum TextGenerator {
    private static let words = [
        "simulated", "answer", "from", "the", "batchd", "simulator", "with", "a", "steady", "voice",
        "about", "your", "request", "and", "its", "tokens", "models", "deploy", "quietly", "today",
    ]

    /// 64-bit FNV-1a of the UTF-8 bytes of `text`, mixed with `seed`.
    static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// The next value of a SplitMix64 sequence whose state is `state`.
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform double in `0..<1` from the sequence `state`.
    static func unit(_ state: inout UInt64) -> Double {
        Double(splitMix(&state) >> 11) / Double(1 << 53)
    }

    /// `count` words chosen deterministically from `seed`, joined by spaces, ending with a period.
    static func sentence(words count: Int, seed: UInt64) -> String {
        guard count > 0 else { return "" }
        var state = seed
        var parts: [String] = []
        parts.reserveCapacity(count)
        for _ in 0..<count {
            parts.append(words[Int(splitMix(&state) % UInt64(words.count))])
        }
        var text = parts.joined(separator: " ")
        text.replaceSubrange(text.startIndex...text.startIndex, with: text.prefix(1).uppercased())
        return text + "."
    }

    /// The completion length for a prompt: `4 + seed % 13` tokens (4…16), capped by `limit`.
    /// Returns the length and whether the cap cut it short.
    static func completionLength(seed: UInt64, limit: Int?) -> (tokens: Int, truncated: Bool) {
        let natural = 4 + Int(seed % 13)
        guard let limit, limit < natural else { return (natural, false) }
        return (max(0, limit), true)
    }
}
