import NIOHTTP1

/// `audio/speech`: deterministic bytes standing for the spoken `input`, in the requested
/// `response_format` (`mp3` by default; `opus`, `aac`, `flac`, `wav`, `pcm`).
///
/// The body is a 4-byte format tag (`ID3\u{3}` for mp3, `RIFF` for wav, …) followed by
/// 16 bytes per input character, every byte value from 0 to 255 occurring, so that a client that
/// treats the answer as text (and mangles it) is caught. Costs 0 tokens: only the RPM limit applies.
struct SpeechCall: PreparedCall {
    let input: String
    let format: String
    let tokenCost = 0

    static let contentTypes: [String: String] = [
        "mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac",
        "wav": "audio/wav", "pcm": "audio/pcm",
    ]

    init(_ json: [String: Any]) throws(RequestError) {
        guard let input = json["input"] as? String, !input.isEmpty else {
            throw RequestError("'input' is required and must be a non-empty string.")
        }
        guard json["voice"] is String else { throw RequestError("'voice' is required.") }
        format = json["response_format"] as? String ?? "mp3"
        guard Self.contentTypes[format] != nil else {
            throw RequestError("'response_format' must be mp3, opus, aac, flac, wav or pcm.")
        }
        self.input = input
    }

    /// The answer's bytes.
    var bytes: [UInt8] {
        let tag: [UInt8] =
            switch format {
            case "mp3": [0x49, 0x44, 0x33, 0x03]
            case "wav": Array("RIFF".utf8)
            case "flac": Array("fLaC".utf8)
            case "opus": Array("OggS".utf8)
            default: [0xFF, 0xF1, 0x50, 0x80]
            }
        var out = tag
        for (index, byte) in input.utf8.enumerated() {
            for step in 0..<16 {
                out.append(UInt8(truncatingIfNeeded: Int(byte) &* 31 &+ index &* 16 &+ step))
            }
        }
        return out
    }

    func render(_ context: RenderContext) -> SimResponse {
        SimResponse(status: .ok, contentType: Self.contentTypes[format]!, bytes: bytes)
    }
}
