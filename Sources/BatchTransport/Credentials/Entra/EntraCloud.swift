import Foundation

/// Where Entra ID tokens come from and what they are for: the authority host and the scope, per
/// Azure cloud.
///
/// | cloud | authority host | scope |
/// |---|---|---|
/// | public | `login.microsoftonline.com` | `https://cognitiveservices.azure.com/.default` |
/// | China | `login.chinacloudapi.cn` | `https://cognitiveservices.azure.cn/.default` |
/// | US Government | `login.microsoftonline.us` | `https://cognitiveservices.azure.us/.default` |
///
/// `AZURE_AUTHORITY_HOST` (or the config's `authority_host`) picks the authority, and with it the
/// scope; the config's `scope` overrides the scope. An authority given as a bare host means
/// `https://host`.
public struct EntraCloud: Sendable, Equatable {
    /// The authority's base URL without a trailing slash, e.g. `https://login.microsoftonline.com`.
    public var authority: String
    /// The scope tokens are requested for; managed identity and the CLI take it without
    /// `/.default` as their *resource*.
    public var scope: String

    public static let publicAuthorityHost = "login.microsoftonline.com"

    public init(authority: String? = nil, scope: String? = nil) {
        var base = authority.flatMap { $0.isEmpty ? nil : $0 } ?? Self.publicAuthorityHost
        if !base.contains("://") { base = "https://" + base }
        while base.hasSuffix("/") { base.removeLast() }
        self.authority = base
        self.scope = scope.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultScope(authority: base)
    }

    /// The scope of the cloud whose authority is `authority`.
    static func defaultScope(authority: String) -> String {
        let host = URL(string: authority)?.host?.lowercased() ?? authority.lowercased()
        if host.hasSuffix("chinacloudapi.cn") { return "https://cognitiveservices.azure.cn/.default" }
        if host.hasSuffix("microsoftonline.us") { return "https://cognitiveservices.azure.us/.default" }
        return "https://cognitiveservices.azure.com/.default"
    }

    /// The resource managed identity and the Azure CLI ask for: the scope without `/.default`.
    public var resource: String {
        scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
    }

    /// The client-credentials token URL of `tenant`.
    public func tokenURL(tenant: String) -> String {
        "\(authority)/\(FormEncoding.escape(tenant))/oauth2/v2.0/token"
    }
}

/// `application/x-www-form-urlencoded` bodies and query strings.
enum FormEncoding {
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let keep =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || "-._~".utf8.contains(byte)
            if keep {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }
}

/// The rule for URLs a token or secret goes to: `https`, or `http` on loopback only.
public enum SecureURL {
    /// Whether `host` is a loopback address or name (`127.0.0.1` and the rest of `127/8`, `::1`,
    /// `localhost`).
    public static func isLoopback(host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `nil` when credentials may be sent to `url`, else why not (for a configuration error).
    public static func problem(_ url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host
        else { return "\"\(url)\" is not an http(s) URL" }
        if scheme == "https" { return nil }
        if scheme == "http", isLoopback(host: host) { return nil }
        return
            "\"\(url)\" is not https: a token or secret is sent over plain http only to loopback"
            + " (127.0.0.1, ::1, localhost)"
    }
}
