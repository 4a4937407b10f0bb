/// Why a token source gave no token: the source's name and what it (or Entra) said.
///
/// Guarantee: the message never holds a token, a secret or an assertion; Entra's own error
/// (`AADSTS7000215: Invalid client secret provided.`) is kept as it is, since it names neither.
public struct TokenFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The source does not apply here (its variables are unset, no IMDS answers, no `az`):
        /// a chain moves on to the next source.
        case unavailable
        /// The token endpoint answered with an error (a wrong secret, an unknown client, no
        /// identity assigned): retrying the same credential cannot help.
        case rejected
        /// The token endpoint could not be reached or did not answer in time.
        case unreachable
        /// The answer held no usable token.
        case invalidAnswer = "invalid_answer"
    }

    public var kind: Kind
    /// The source that failed, as configured: `client_secret`, `managed_identity`, `azure_cli`, …
    public var source: String
    /// Entra's error code when it gave one: `AADSTS7000215`, else its `error` (`invalid_client`).
    public var entraCode: String?
    /// What happened, in plain words.
    public var message: String

    public init(kind: Kind, source: String, entraCode: String? = nil, message: String) {
        self.kind = kind
        self.source = source
        self.entraCode = entraCode
        self.message = message
    }

    /// `client_secret: AADSTS7000215: Invalid client secret provided. …`
    public var description: String { "\(source): \(message)" }
}
