import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A real RSA key and a self-signed certificate made for one test, as the PEM file a client
/// certificate credential reads (certificate, then private key).
public struct TestCertificate: Sendable {
    public let key: _RSA.Signing.PrivateKey
    public let certificate: Certificate
    /// The certificate's DER bytes.
    public let der: [UInt8]
    /// Certificate and key, PEM.
    public let pem: String
    /// The certificate alone, PEM.
    public let certificatePEM: String

    /// A certificate made once per test process (RSA key generation is slow in debug builds).
    public static let shared = Result { try TestCertificate() }
    /// A second one, with another key: a certificate the other side does not know.
    public static let other = Result { try TestCertificate(commonName: "someone-else") }

    public init(commonName: String = "batchd-test") throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(3600),
            issuer: name,
            subject: name, signatureAlgorithm: .sha256WithRSAEncryption, extensions: Certificate.Extensions(),
            issuerPrivateKey: .init(key))
        let document = try certificate.serializeAsPEM()
        der = Array(document.derBytes)
        certificatePEM = document.pemString + "\n"
        pem = certificatePEM + key.pemRepresentation + "\n"
    }
}
