import Foundation

/// The API operations the simulator serves, named by their URL suffix.
enum APIOperation: String, Sendable, CaseIterable {
    case chatCompletions = "chat/completions"
    case responses = "responses"
    case completions = "completions"
    case embeddings = "embeddings"
    case moderations = "moderations"
    case audioTranscriptions = "audio/transcriptions"
    case audioTranslations = "audio/translations"
    case audioSpeech = "audio/speech"
    case imagesGenerations = "images/generations"
    case imagesEdits = "images/edits"

    /// The Azure operation name used in Azure-style 429 messages.
    var azureOperationName: String {
        switch self {
        case .chatCompletions: "ChatCompletions_Create"
        case .responses: "Responses_Create"
        case .completions: "Completions_Create"
        case .embeddings: "Embeddings_Create"
        case .moderations: "Moderations_Create"
        case .audioTranscriptions: "AudioTranscriptions_Create"
        case .audioTranslations: "AudioTranslations_Create"
        case .audioSpeech: "AudioSpeech_Create"
        case .imagesGenerations: "ImageGenerations_Create"
        case .imagesEdits: "ImageEdits_Create"
        }
    }

    /// Whether the request body is `multipart/form-data` rather than JSON.
    var isMultipart: Bool {
        self == .audioTranscriptions || self == .audioTranslations || self == .imagesEdits
    }
}

/// Which of the three URL forms a request used.
enum URLForm: Sendable, Equatable {
    /// `/v1/P`: model from the body.
    case openAI
    /// `/openai/deployments/{deployment}/P?api-version=…`: model is the deployment.
    case azureDeployment(String)
    /// `/openai/v1/P`: model from the body.
    case azureV1

    /// Whether this is one of the Azure forms (they also get an `apim-request-id` header).
    var isAzure: Bool { self != .openAI }
}

/// A parsed request target: operation, URL form and query.
struct Route: Sendable, Equatable {
    var operation: APIOperation
    var form: URLForm
    /// The `api-version` query parameter, if present.
    var apiVersion: String?

    /// Parses a request URI (path plus optional query); `nil` when no route matches.
    init?(uri: String) {
        let pathEnd = uri.firstIndex(of: "?") ?? uri.endIndex
        var path = Substring(uri[..<pathEnd])
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        let query = pathEnd < uri.endIndex ? uri[uri.index(after: pathEnd)...] : ""
        apiVersion = Self.queryValue("api-version", in: query)

        func suffix(after prefix: String) -> APIOperation? {
            guard path.hasPrefix(prefix) else { return nil }
            return APIOperation(rawValue: String(path.dropFirst(prefix.count)))
        }
        if let op = suffix(after: "/v1/") {
            (operation, form) = (op, .openAI)
        } else if let op = suffix(after: "/openai/v1/") {
            (operation, form) = (op, .azureV1)
        } else if path.hasPrefix("/openai/deployments/") {
            let rest = path.dropFirst("/openai/deployments/".count)
            guard let slash = rest.firstIndex(of: "/"), slash > rest.startIndex,
                let op = APIOperation(rawValue: String(rest[rest.index(after: slash)...]))
            else { return nil }
            let deployment = String(rest[..<slash]).removingPercentEncoding ?? String(rest[..<slash])
            (operation, form) = (op, .azureDeployment(deployment))
        } else {
            return nil
        }
    }

    private static func queryValue(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first == Substring(name) {
                let value = parts.count > 1 ? String(parts[1]) : ""
                return value.removingPercentEncoding ?? value
            }
        }
        return nil
    }
}
