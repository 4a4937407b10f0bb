import BatchCore

/// A bearer token from Microsoft Entra ID (or another token source) and when it expires.
///
/// Guarantee: the token's text is reachable only through ``value``; `description`, string
/// interpolation and reflection show its expiry, never the token.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The token, for the `Authorization: Bearer` header and nothing else.
    public let value: String
    /// When the token stops being accepted.
    public let expiresOn: Timestamp

    public init(value: String, expiresOn: Timestamp) {
        self.value = value
        self.expiresOn = expiresOn
    }

    public var description: String { "AccessToken(<redacted>, expires_on: \(expiresOn.milliseconds / 1000))" }

    public var customMirror: Mirror { Mirror(self, children: ["expiresOn": expiresOn]) }
}
