/// What a successful answer to a request is expected to hold, decided from the request alone
/// (its operation and `response_format` / `output_format`), so that the same request is always
/// handled the same way whatever the server sends.
///
/// - ``json``: a JSON body, embedded as is in the results line (and retried when not JSON).
/// - ``text``: `text`, `srt` or `vtt` transcriptions: the body is text, embedded as a JSON string.
/// - ``binary(fileExtension:)``: `audio/speech`: the bytes are saved to a file beside the input.
/// - ``images(fileExtension:)``: image operations: a JSON body whose `data[].b64_json` images are
///   saved to files beside the input.
public enum ExpectedAnswer: Sendable, Equatable {
    case json
    case text
    case binary(fileExtension: String)
    case images(fileExtension: String)

    /// Whether a successful answer is saved to files (written and synced) before it is recorded.
    public var savesFiles: Bool {
        switch self {
        case .binary, .images: true
        case .json, .text: false
        }
    }

    /// The `response_format` values of transcriptions and translations whose answer is not JSON.
    public static let textFormats: Set<String> = ["text", "srt", "vtt"]

    /// The expected answer of a request to `path` whose body has these two (optional) fields.
    public init(path: APIPath, responseFormat: String?, outputFormat: String?) {
        switch path {
        case .audioTranscriptions, .audioTranslations:
            self = Self.textFormats.contains(responseFormat ?? "json") ? .text : .json
        case .audioSpeech:
            self = .binary(fileExtension: Self.safeExtension(responseFormat, default: "mp3"))
        case .imagesGenerations, .imagesEdits:
            self = .images(fileExtension: Self.safeExtension(outputFormat, default: "png"))
        default:
            self = .json
        }
    }

    /// The content type of a saved file with extension `ext`, when the server did not say.
    public static func contentType(forExtension ext: String) -> String {
        switch ext {
        case "mp3": "audio/mpeg"
        case "opus": "audio/ogg"
        case "aac": "audio/aac"
        case "flac": "audio/flac"
        case "wav": "audio/wav"
        case "pcm": "audio/pcm"
        case "png": "image/png"
        case "jpeg", "jpg": "image/jpeg"
        case "webp": "image/webp"
        default: "application/octet-stream"
        }
    }

    /// `value` when it is a short lowercase alphanumeric word (it becomes part of a file name),
    /// else `fallback`.
    private static func safeExtension(_ value: String?, default fallback: String) -> String {
        guard let value, !value.isEmpty, value.utf8.count <= 8,
            value.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) })
        else { return fallback }
        return value
    }
}
