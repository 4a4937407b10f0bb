/// Which strings cannot be an Azure OpenAI deployment name, which batchd puts in a URL path.
///
/// Guarantees: ``problem(_:)`` is nil exactly when the name is not empty, is not `.`, and holds
/// no `/`, `\`, `..`, `?`, `#` or control character (U+0000–U+001F, U+007F–U+009F). No Azure
/// deployment name holds one of these, and front ends that decode `%2F` or resolve `..` would send
/// a request naming one somewhere else; anything else is left to percent-encoding.
public enum AzureDeploymentName {
    /// Why `name` cannot be a deployment name (`it contains "/"`), or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name == "." { return "it is \".\"" }
        if name.contains("..") { return "it contains \"..\"" }
        for scalar in name.unicodeScalars {
            switch scalar {
            case "/", "\\", "?", "#":
                return "it contains \(JSONEscaping.quoted(String(scalar)))"
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "it contains the control character U+" + String(repeating: "0", count: 4 - hex.count)
                    + hex
            default:
                continue
            }
        }
        return nil
    }
}

/// A request names, in `body.model`, a deployment that no Azure deployment can be (see
/// ``AzureDeploymentName``); it is not sent.
public struct InvalidDeploymentName: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name as given.
    public let name: String
    /// Why it cannot be a deployment name, e.g. `it contains "/"`.
    public let problem: String

    public init(name: String, problem: String) {
        self.name = name
        self.problem = problem
    }

    /// `body.model "a/b" cannot be an Azure deployment name: it contains "/"`.
    public var description: String {
        "body.model \(JSONEscaping.quoted(name)) cannot be an Azure deployment name: \(problem)"
    }
}
