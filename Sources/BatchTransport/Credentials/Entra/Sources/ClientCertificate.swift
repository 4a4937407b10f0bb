import BatchCore
import Crypto
import Foundation
import _CryptoExtras

/// A client certificate and its RSA private key (one PEM file holding both), and the client
/// assertions signed with it.
///
/// The assertion is the JWT Entra ID expects: header `{"alg": "RS256", "typ": "JWT",
/// "x5t#S256": base64url(SHA-256 of the DER certificate)}`, claims `aud` = the token URL,
/// `iss` = `sub` = the client id, a unique `jti`, `iat` = `nbf` = now, `exp` = 10 minutes later.
/// It is signed RS256 (RSASSA-PKCS1-v1_5 with SHA-256) by swift-crypto. Guarantee: neither the key
/// nor an assertion appears in any error or description.
public struct ClientCertificate: Sendable {
    let key: _RSA.Signing.PrivateKey
    /// base64url of the SHA-256 of the certificate's DER bytes.
    public let thumbprintSHA256: String

    static let source = "client_certificate"

    /// Reads the PEM file at `path`.
    public init(path: String) throws(TokenFailure) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenFailure(
                kind: .unavailable, source: Self.source, message: "cannot read the certificate file \(path)")
        }
        try self.init(pem: String(decoding: data, as: UTF8.self), origin: path)
    }

    /// Parses PEM text holding a `CERTIFICATE` block and a `PRIVATE KEY` (PKCS #8) or
    /// `RSA PRIVATE KEY` (PKCS #1) block; `origin` names it in errors.
    public init(pem: String, origin: String) throws(TokenFailure) {
        let blocks = PEMBlock.all(in: pem)
        func failure(_ message: String) -> TokenFailure {
            TokenFailure(kind: .invalidAnswer, source: Self.source, message: "\(origin): \(message)")
        }
        guard let certificate = blocks.first(where: { $0.label == "CERTIFICATE" }) else {
            throw failure("no CERTIFICATE block")
        }
        if blocks.contains(where: { $0.label == "ENCRYPTED PRIVATE KEY" }) {
            throw failure(
                "the private key is encrypted; batchd reads unencrypted keys only (keep the file readable by batchd alone)"
            )
        }
        guard
            let keyBlock = blocks.first(where: { $0.label == "PRIVATE KEY" || $0.label == "RSA PRIVATE KEY" })
        else { throw failure("no PRIVATE KEY block: the file must hold the certificate and its private key") }
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: keyBlock.text)
        } catch {
            throw failure("the private key is not an RSA key swift-crypto can read")
        }
        thumbprintSHA256 = Base64URL.encode(SHA256.hash(data: certificate.der))
    }

    /// A signed client assertion for `clientID` at the token URL `audience`.
    public func assertion(clientID: String, audience: String, now: Timestamp) throws(TokenFailure) -> String {
        let seconds = now.milliseconds / 1000
        let header: [String: Any] = ["alg": "RS256", "typ": "JWT", "x5t#S256": thumbprintSHA256]
        let claims: [String: Any] = [
            "aud": audience, "iss": clientID, "sub": clientID, "jti": UUID().uuidString,
            "iat": seconds, "nbf": seconds, "exp": seconds + 600,
        ]
        do {
            let input =
                Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
                + "."
                + Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
            let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
            return input + "." + Base64URL.encode(signature.rawRepresentation)
        } catch {
            throw TokenFailure(
                kind: .invalidAnswer, source: Self.source, message: "signing the client assertion failed")
        }
    }
}

extension ClientCredentialsSource {
    /// A client certificate (`AZURE_CLIENT_CERTIFICATE_PATH`): each fetch signs a new assertion.
    public static func clientCertificate(
        tenant: String, clientID: String, certificate: ClientCertificate, cloud: EntraCloud,
        http: IdentityHTTP
    ) -> ClientCredentialsSource {
        ClientCredentialsSource(
            name: ClientCertificate.source, tenant: tenant, clientID: clientID, cloud: cloud,
            proof: .assertion { url throws(TokenFailure) in
                try certificate.assertion(clientID: clientID, audience: url, now: http.clock.now)
            }, http: http)
    }
}

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block of a PEM text.
struct PEMBlock {
    var label: String
    /// The whole block, markers included.
    var text: String
    /// The base64 content, decoded.
    var der: [UInt8]

    static func all(in pem: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var lines: [String] = []
        var body = ""
        for raw in pem.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if label == nil, line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst("-----BEGIN ".count).dropLast(5))
                lines = [line]
                body = ""
            } else if let current = label {
                lines.append(line)
                if line == "-----END \(current)-----" {
                    blocks.append(
                        PEMBlock(
                            label: current, text: lines.joined(separator: "\n") + "\n",
                            der: Data(base64Encoded: body).map { Array($0) } ?? []))
                    label = nil
                } else if !line.contains(":") {
                    body += line
                }
            }
        }
        return blocks
    }
}
