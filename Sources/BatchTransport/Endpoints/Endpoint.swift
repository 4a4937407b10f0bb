import BatchCore

/// Where requests go and how they are authenticated: an Azure OpenAI resource, OpenAI, or any
/// OpenAI-compatible server.
///
/// URL forms:
/// - Azure, dated `api-version`: `{base}/openai/deployments/{model}/{path}?api-version={version}`
/// - Azure, `api-version` `v1` (or a base ending in `/openai/v1`): `{base}/openai/v1/{path}`
/// - OpenAI and compatible: `{base}/{path}`, the base usually ending in `/v1`.
public struct Endpoint: Sendable, CustomStringConvertible {
    public enum Flavor: Sendable, Equatable {
        case azure(apiVersion: String)
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

    /// The URL for one request of `path` to `model` (the deployment name on Azure).
    public func url(for path: APIPath, model: String) -> String {
        switch flavor {
        case .openAI:
            return "\(baseURL)/\(path.rawValue)"
        case .azure(let version):
            if baseURL.hasSuffix("/openai/v1") { return "\(baseURL)/\(path.rawValue)" }
            if version == "v1" {
                return "\(baseURL)/openai/v1/\(path.rawValue)"
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
