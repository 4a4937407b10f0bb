import Foundation

extension ClientCredentialsSource {
    /// Workload identity (Kubernetes): the federated token in `tokenFile` is the client assertion.
    /// The file is read at every fetch, so a token the kubelet rotated is the one sent.
    public static func workloadIdentity(
        tenant: String, clientID: String, tokenFile: String, cloud: EntraCloud, http: IdentityHTTP
    ) -> ClientCredentialsSource {
        ClientCredentialsSource(
            name: "workload_identity", tenant: tenant, clientID: clientID, cloud: cloud,
            proof: .assertion { _ throws(TokenFailure) in
                try SecretFile.read(tokenFile, source: "workload_identity", what: "the federated token file")
            }, http: http)
    }

    /// A client secret, read from `environment[variable]` at every fetch.
    public static func clientSecret(
        tenant: String, clientID: String, secret: @escaping @Sendable () throws(TokenFailure) -> String,
        cloud: EntraCloud, http: IdentityHTTP
    ) -> ClientCredentialsSource {
        ClientCredentialsSource(
            name: "client_secret", tenant: tenant, clientID: clientID, cloud: cloud, proof: .secret(secret),
            http: http)
    }
}

/// Files that hold a secret or token: read whole, trimmed; errors name the file, never its content.
enum SecretFile {
    static func read(_ path: String, source: String, what: String) throws(TokenFailure) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenFailure(kind: .unavailable, source: source, message: "cannot read \(what) \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw TokenFailure(kind: .invalidAnswer, source: source, message: "\(what) \(path) is empty")
        }
        return text
    }
}
