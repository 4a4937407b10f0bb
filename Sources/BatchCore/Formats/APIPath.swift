/// The API operations batchd knows.
///
/// `rawValue` is the operation's path without the leading slash and without `/v1`, e.g.
/// `"chat/completions"`; ``urlPath`` gives the canonical `/v1/...` form used in Batch files.
public enum APIPath: String, Sendable, CaseIterable {
    case chatCompletions = "chat/completions"
    case responses
    case completions
    case embeddings
    case moderations
    case audioTranscriptions = "audio/transcriptions"
    case audioTranslations = "audio/translations"
    case audioSpeech = "audio/speech"
    case imagesGenerations = "images/generations"
    case imagesEdits = "images/edits"

    /// The operations the Batch line parser accepts by default (JSON-bodied ones).
    public static let batchDefaults: Set<APIPath> = [
        .chatCompletions, .responses, .completions, .embeddings, .moderations,
    ]

    /// Every operation batchd can send: the JSON ones plus those that upload a file
    /// (``sendsFile``) or answer with bytes saved beside the input (speech, images).
    public static let supported: Set<APIPath> = Set(allCases)

    /// Whether the request is sent as `multipart/form-data` carrying the file named by `body.file`
    /// (transcriptions, translations, image edits).
    public var sendsFile: Bool {
        self == .audioTranscriptions || self == .audioTranslations || self == .imagesEdits
    }

    /// Whether requests of this operation draw on a token budget (TPM). Audio and image
    /// operations do not: only request budgets (RPM) apply to them.
    public var countsTokens: Bool {
        switch self {
        case .audioTranscriptions, .audioTranslations, .audioSpeech, .imagesGenerations, .imagesEdits: false
        default: true
        }
    }

    /// The canonical URL path, e.g. `/v1/chat/completions`.
    public var urlPath: String { "/v1/" + rawValue }
}

extension APIPath {
    /// Maps a Batch line `url` — `/v1/<path>` or `/<path>` — to an operation; anything else,
    /// including a query string, gives nil.
    public init?(url: String) {
        var copy = url
        guard let path = copy.withUTF8({ APIPath(urlBytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = path
    }

    /// ``init(url:)`` over the URL's UTF-8 bytes, without allocating.
    init?(urlBytes url: UnsafeRawBufferPointer) {
        var rest = url[...]
        if rest.starts(with: APIPath.versionPrefix) {
            rest = rest.dropFirst(4)
        } else if rest.first == UInt8(ascii: "/") {
            rest = rest.dropFirst()
        } else {
            return nil
        }
        for (path, bytes) in APIPath.rawValueBytes where rest.elementsEqual(bytes) {
            self = path
            return
        }
        return nil
    }

    private static let versionPrefix: [UInt8] = Array("/v1/".utf8)
    private static let rawValueBytes: [(APIPath, [UInt8])] = allCases.map { ($0, Array($0.rawValue.utf8)) }
}
