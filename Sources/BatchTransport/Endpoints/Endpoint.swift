import BatchCore

/// Where requests go and how they are authenticated: an Azure OpenAI resource, OpenAI, or any
/// OpenAI-compatible server.
///
/// URL forms (`{base}` is the configured URL without trailing slashes):
/// - Azure, dated `api-version`, an operation Azure serves per deployment (chat/completions,
///   completions, embeddings, audio/transcriptions, audio/translations, audio/speech,
///   images/generations, images/edits):
///   `{base}/openai/deployments/{model}/{path}?api-version={version}`, the deployment name
///   percent-encoded; a name no deployment can have (``AzureDeploymentName``) is refused.
/// - Azure, dated `api-version`, `responses`: `{base}/openai/v1/responses` (no api-version; the
///   model stays in the body), or `{base}/openai/responses?api-version={responsesVersion}` when
///   the endpoint names a responses api-version (`responses_api_version`, a preview).
/// - Azure, dated `api-version`, any other operation (`moderations`, which Azure does not
///   serve per deployment): `{base}/openai/v1/{path}`.
/// - Azure, `api-version` `v1`: `{base}/openai/v1/{path}`, except `responses` when a responses
///   api-version is named (as above).
/// - Azure, a base ending in `/openai/v1`: `{base}/{path}` for every operation.
/// - OpenAI and compatible: `{base}/{path}`, the base usually ending in `/v1`.
public struct Endpoint: Sendable, CustomStringConvertible {
    public enum Flavor: Sendable, Equatable {
        /// An Azure OpenAI resource: `apiVersion` is a dated version such as `2024-10-21`, or
        /// `v1`; `responsesAPIVersion`, when given, sends Responses to
        /// `/openai/responses?api-version=` with it rather than to `/openai/v1/responses`.
        case azure(apiVersion: String, responsesAPIVersion: String? = nil)
        case openAI
    }

    /// The name jobs refer to it by (`default` for the one the environment defines).
    public var name: String
    public var flavor: Flavor
    /// The base URL without a trailing slash.
    public var baseURL: String
    public var credential: any CredentialProvider

    public init(name: String, flavor: Flavor, baseURL: String, credential: any CredentialProvider) {
        self.name = name
        self.flavor = flavor
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.credential = credential
    }

    /// Whether requests go to Azure OpenAI, whose `body.model` names a deployment.
    public var isAzure: Bool {
        if case .azure = flavor { return true }
        return false
    }

    /// The operations Azure serves under `/openai/deployments/{deployment}/` with a dated
    /// api-version (as the official SDK routes them); the others are not deployment-routed.
    static let deploymentRoutedPaths: Set<APIPath> = [
        .chatCompletions, .completions, .embeddings, .audioTranscriptions, .audioTranslations,
        .audioSpeech, .imagesGenerations, .imagesEdits,
    ]

    /// The URL for one request of `path` to `model` (the deployment name on Azure).
    ///
    /// Throws instead of putting in the path a name no Azure deployment can have (`/`, `..`,
    /// `?`, …): a front end that decodes `%2F` would route it elsewhere. Ingest rejects such
    /// lines already; this guards a job ingested while its endpoint was not Azure.
    public func url(for path: APIPath, model: String) throws(InvalidDeploymentName) -> String {
        switch flavor {
        case .openAI:
            return "\(baseURL)/\(path.rawValue)"
        case .azure(let version, let responsesVersion):
            if baseURL.hasSuffix("/openai/v1") { return "\(baseURL)/\(path.rawValue)" }
            if path == .responses, let responsesVersion {
                return "\(baseURL)/openai/responses?api-version=\(Self.escapeQueryValue(responsesVersion))"
            }
            if version == "v1" || !Self.deploymentRoutedPaths.contains(path) {
                return "\(baseURL)/openai/v1/\(path.rawValue)"
            }
            if let problem = AzureDeploymentName.problem(model) {
                throw InvalidDeploymentName(name: model, problem: problem)
            }
            return "\(baseURL)/openai/deployments/\(Self.escapePathSegment(model))/\(path.rawValue)"
                + "?api-version=\(Self.escapeQueryValue(version))"
        }
    }

    public var description: String { "Endpoint(\(name), \(flavor), \(baseURL))" }

    static func escapePathSegment(_ text: String) -> String {
        percentEncode(text) { $0.isLetterOrDigit || "-._~".utf8.contains($0) }
    }

    static func escapeQueryValue(_ text: String) -> String {
        percentEncode(text) { $0.isLetterOrDigit || "-._~".utf8.contains($0) }
    }

    private static func percentEncode(_ text: String, keep: (UInt8) -> Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            if keep(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension UInt8 {
    fileprivate var isLetterOrDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
