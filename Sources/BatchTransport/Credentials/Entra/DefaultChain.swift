/// The sources `DefaultAzureCredential` tries, in its order, built from the environment:
///
/// 1. environment: `AZURE_TENANT_ID` + `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (client
///    secret), else + `AZURE_CLIENT_CERTIFICATE_PATH` (client certificate);
/// 2. workload identity: `AZURE_TENANT_ID` + `AZURE_CLIENT_ID` + `AZURE_FEDERATED_TOKEN_FILE`;
/// 3. managed identity: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, else IMDS; user-assigned by
///    `clientID` (the config's `client_id`), else `AZURE_CLIENT_ID`;
/// 4. the Azure CLI.
///
/// A step whose variables are unset is an ``UnavailableSource`` saying which are missing, so
/// that a chain with no usable source says what it looked for.
public enum DefaultChain {
    public static func sources(
        environment env: [String: String], cloud: EntraCloud, clientID: String?, services: IdentityServices
    ) -> [any TokenSource] {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let tenant = value("AZURE_TENANT_ID")
        let client = value("AZURE_CLIENT_ID")
        var sources: [any TokenSource] = []

        if let tenant, let client, value("AZURE_CLIENT_SECRET") != nil {
            sources.append(
                ClientCredentialsSource.clientSecret(
                    tenant: tenant, clientID: client,
                    secret: { () throws(TokenFailure) in env["AZURE_CLIENT_SECRET"] ?? "" },
                    cloud: cloud, http: services.http))
        } else if let tenant, let client, let path = value("AZURE_CLIENT_CERTIFICATE_PATH") {
            sources.append(
                CertificateFileSource(
                    tenant: tenant, clientID: client, path: path, cloud: cloud, http: services.http))
        } else {
            sources.append(
                UnavailableSource(
                    name: "environment",
                    reason: "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or"
                        + " AZURE_CLIENT_CERTIFICATE_PATH) are not all set"))
        }

        if let tenant, let client, let file = value("AZURE_FEDERATED_TOKEN_FILE") {
            sources.append(
                ClientCredentialsSource.workloadIdentity(
                    tenant: tenant, clientID: client, tokenFile: file, cloud: cloud, http: services.http))
        } else {
            sources.append(
                UnavailableSource(
                    name: "workload_identity",
                    reason: "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are not all set")
            )
        }

        sources.append(
            ManagedIdentitySource(
                kind: ManagedIdentitySource.kind(environment: env), clientID: clientID ?? client,
                cloud: cloud,
                http: services.http))
        sources.append(
            CommandTokenSource.azureCLI(
                cloud: cloud, tenant: tenant, runner: services.runner, clock: services.http.clock))
        return sources
    }
}

/// A client certificate read from its PEM file when the first token is fetched (and again at
/// each fetch, so a renewed certificate is picked up).
public struct CertificateFileSource: TokenSource {
    public let name = "client_certificate"
    public let tenant: String
    public let clientID: String
    public let path: String
    public let cloud: EntraCloud
    let http: IdentityHTTP

    public init(tenant: String, clientID: String, path: String, cloud: EntraCloud, http: IdentityHTTP) {
        self.tenant = tenant
        self.clientID = clientID
        self.path = path
        self.cloud = cloud
        self.http = http
    }

    public var cacheKey: TokenCacheKey {
        TokenCacheKey(source: name, identity: "\(cloud.authority)/\(tenant)/\(clientID)", scope: cloud.scope)
    }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        let certificate = try ClientCertificate(path: path)
        return try await ClientCredentialsSource.clientCertificate(
            tenant: tenant, clientID: clientID, certificate: certificate, cloud: cloud, http: http
        ).fetchToken()
    }
}
