import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Checks a client assertion as Entra ID does: a JWT signed RS256 with the registered
/// certificate's key, whose `x5t#S256` names that certificate, `aud` is the token URL, `iss` and
/// `sub` are the client id, and `exp` is in the future.
struct AssertionCheck: Sendable {
    let key: _RSA.Signing.PublicKey
    let thumbprint: String

    init?(certificatePEM: String) {
        guard let certificate = try? Certificate(pemEncoded: certificatePEM),
            let key = _RSA.Signing.PublicKey(certificate.publicKey),
            let document = try? PEMDocument(pemString: certificatePEM)
        else { return nil }
        self.key = key
        self.thumbprint = Self.base64URL(Array(SHA256.hash(data: document.derBytes)))
    }

    /// `nil` when `assertion` is valid for `clientID` at a URL ending in `tokenPath`; else the
    /// AADSTS error Entra would answer.
    func problem(_ assertion: String, clientID: String, tokenPath: String) -> (code: Int, text: String)? {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerBytes = Self.decode(parts[0]),
            let claimBytes = Self.decode(parts[1]),
            let signature = Self.decode(parts[2]),
            let header = (try? JSONSerialization.jsonObject(with: Data(headerBytes))) as? [String: Any],
            let claims = (try? JSONSerialization.jsonObject(with: Data(claimBytes))) as? [String: Any]
        else { return (50027, "Invalid JWT token. The token is malformed.") }
        guard header["alg"] as? String == "RS256", header["x5t#S256"] as? String == thumbprint else {
            return (
                700027,
                "The certificate with identifier used to sign the client assertion is not registered on application."
            )
        }
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        guard
            key.isValidSignature(
                .init(rawRepresentation: signature), for: signed, padding: .insecurePKCS1v1_5)
        else { return (700027, "Client assertion failed signature validation.") }
        guard (claims["aud"] as? String)?.hasSuffix(tokenPath) == true else {
            return (700016, "The audience of the client assertion is not the token endpoint.")
        }
        guard claims["iss"] as? String == clientID, claims["sub"] as? String == clientID else {
            return (700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
        }
        guard let exp = (claims["exp"] as? NSNumber)?.doubleValue, exp > Date().timeIntervalSince1970 else {
            return (700024, "Client assertion is not within its valid time range.")
        }
        return nil
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).map { Array($0) }
    }
}
