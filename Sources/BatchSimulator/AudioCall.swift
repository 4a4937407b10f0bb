import NIOHTTP1

/// `audio/transcriptions` and `audio/translations`: a deterministic text naming the file's size,
/// in the requested `response_format` (`json`, `verbose_json`, `text`, `srt`, `vtt`).
///
/// The simulated audio lasts `bytes / 32000` seconds (16 kHz 16-bit mono), at least 0.5 s.
/// Costs 0 tokens: only the RPM limit applies.
struct AudioCall: PreparedCall {
    let translate: Bool
    let byteCount: Int
    let format: String
    let language: String
    let wantsWords: Bool
    let wantsSegments: Bool
    let tokenCost = 0

    init(form: MultipartForm, translate: Bool) throws(RequestError) {
        guard let file = form.first("file"), !file.data.isEmpty else {
            throw RequestError("'file' is required and must not be empty.")
        }
        self.translate = translate
        byteCount = file.data.count
        format = form.first("response_format")?.text ?? "json"
        guard ["json", "verbose_json", "text", "srt", "vtt"].contains(format) else {
            throw RequestError("'response_format' must be json, verbose_json, text, srt or vtt.")
        }
        language = translate ? "english" : (form.first("language")?.text ?? "english")
        let granularities = form.all("timestamp_granularities[]") + form.all("timestamp_granularities")
        wantsWords = granularities.contains("word")
        wantsSegments = granularities.isEmpty || granularities.contains("segment")
    }

    var text: String {
        "This is a simulated \(translate ? "translation" : "transcription") of a \(byteCount)-byte audio file."
    }

    var duration: Double {
        max(0.5, (Double(byteCount) / 32_000 * 100).rounded() / 100)
    }

    func render(_ context: RenderContext) -> SimResponse {
        switch format {
        case "text":
            return SimResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: text + "\n")
        case "srt":
            let body = "1\n00:00:00,000 --> \(Self.timestamp(duration, separator: ","))\n\(text)\n\n"
            return SimResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: body)
        case "vtt":
            let body = "WEBVTT\n\n00:00:00.000 --> \(Self.timestamp(duration, separator: "."))\n\(text)\n\n"
            return SimResponse(status: .ok, contentType: "text/vtt; charset=utf-8", body: body)
        case "verbose_json": return SimResponse(status: .ok, json: verbose)
        default: return SimResponse(status: .ok, json: .object([("text", .string(text))]))
        }
    }

    private var verbose: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("task", translate ? "translate" : "transcribe"),
            ("language", .string(language)),
            ("duration", .double(duration)),
            ("text", .string(text)),
        ]
        if wantsSegments {
            let segment: JSONValue = .object([
                ("id", 0), ("seek", 0), ("start", 0.0), ("end", .double(duration)), ("text", .string(text)),
                ("tokens", .array((0..<text.split(separator: " ").count).map { .int(50_364 + $0) })),
                ("temperature", 0.0), ("avg_logprob", -0.25), ("compression_ratio", 1.2),
                ("no_speech_prob", 0.01),
            ])
            fields.append(("segments", .array([segment])))
        }
        if wantsWords {
            let words = text.split(separator: " ")
            let step = duration / Double(words.count)
            let items: [JSONValue] = words.enumerated().map { index, word in
                .object([
                    ("word", .string(String(word))),
                    ("start", .double((Double(index) * step * 100).rounded() / 100)),
                    ("end", .double((Double(index + 1) * step * 100).rounded() / 100)),
                ])
            }
            fields.append(("words", .array(items)))
        }
        return .object(fields)
    }

    /// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (VTT).
    static func timestamp(_ seconds: Double, separator: String) -> String {
        let millis = Int((seconds * 1000).rounded())
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let h = millis / 3_600_000
        let m = (millis / 60_000) % 60
        let s = (millis / 1000) % 60
        return "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2))\(separator)\(pad(millis % 1000, 3))"
    }
}
