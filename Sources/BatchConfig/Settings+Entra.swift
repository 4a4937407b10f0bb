import BatchCore
import BatchTransport
import Foundation

/// The credentials of Azure endpoints: an API key or a Microsoft Entra ID token source, resolved from an ``AuthEntry`` and the
/// environment.
///
/// Guarantees: every URL a token, secret or assertion goes to (the Azure endpoint, the authority,
/// `IDENTITY_ENDPOINT`, an IMDS override) is `https`, or `http` on loopback, or the IMDS address
/// itself: anything else is a ``ConfigurationError`` before a request is sent. A secret's variable
/// or a token file that is named must exist when the endpoint is resolved. Endpoints resolved
/// with the same source, identity and scope share one token cache in the process.
extension Settings {
    /// The credential of an Azure endpoint whose `auth` is `auth` (`nil`: the API key `key`).
    func azureCredential(auth: AuthEntry?, key: String?, url: String, keyPath: String) throws
        -> any CredentialProvider
    {
        let type = auth?.type ?? "api_key"
        guard AuthEntry.types.contains(type) else {
            let known = AuthEntry.types.joined(separator: ", ")
            throw ConfigurationError("\(keyPath).auth is \"\(type)\": use one of \(known)")
        }
        try Self.checkSecure(url, what: keyPath == "AZURE_OPENAI_ENDPOINT" ? keyPath : "\(keyPath).url")
        if type == "api_key" {
            guard let key else {
                throw ConfigurationError("\(keyPath) has no key: set api_key_env or api_key_file")
            }
            return APIKeyCredential(key: key, style: .apiKeyHeader)
        }
        if key != nil {
            throw ConfigurationError(
                "\(keyPath) names both an API key and auth \"\(type)\": remove api_key_env/api_key_file, or auth"
            )
        }
        let source = try tokenSource(auth ?? AuthEntry(type: "entra"), url: url, keyPath: "\(keyPath).auth")
        return EntraCredential(cache: identityServices.caches.cache(for: source))
    }

    /// The services token sources run with: the injected ones, else the process's.
    var identityServices: IdentityServices { identity ?? .shared }

    private func tokenSource(_ auth: AuthEntry, url: String, keyPath: String) throws -> any TokenSource {
        let env = environment
        let services = identityServices
        func variable(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        func required(_ value: String?, _ key: String, or variableName: String) throws -> String {
            if let value = value.flatMap({ $0.isEmpty ? nil : $0 }) ?? variable(variableName) { return value }
            throw ConfigurationError("\(keyPath).\(key) is missing (and \(variableName) is not set)")
        }
        let cloud = try cloud(auth, url: url, keyPath: keyPath)
        let timeout = auth.timeoutSeconds.map { Duration.milliseconds(Int64($0 * 1000)) }
        switch auth.type {
        case "client_secret":
            let name = auth.clientSecretEnv ?? "AZURE_CLIENT_SECRET"
            guard variable(name) != nil else {
                throw ConfigurationError("\(keyPath).client_secret_env names \(name), which is not set")
            }
            return ClientCredentialsSource.clientSecret(
                tenant: try required(auth.tenantID, "tenant_id", or: "AZURE_TENANT_ID"),
                clientID: try required(auth.clientID, "client_id", or: "AZURE_CLIENT_ID"),
                secret: { () throws(TokenFailure) in env[name] ?? "" }, cloud: cloud, http: services.http)
        case "client_certificate":
            return CertificateFileSource(
                tenant: try required(auth.tenantID, "tenant_id", or: "AZURE_TENANT_ID"),
                clientID: try required(auth.clientID, "client_id", or: "AZURE_CLIENT_ID"),
                path: try required(
                    auth.certificatePath, "certificate_path", or: "AZURE_CLIENT_CERTIFICATE_PATH"),
                cloud: cloud, http: services.http)
        case "workload_identity":
            return ClientCredentialsSource.workloadIdentity(
                tenant: try required(auth.tenantID, "tenant_id", or: "AZURE_TENANT_ID"),
                clientID: try required(auth.clientID, "client_id", or: "AZURE_CLIENT_ID"),
                tokenFile: try required(auth.tokenFile, "token_file", or: "AZURE_FEDERATED_TOKEN_FILE"),
                cloud: cloud, http: services.http)
        case "managed_identity":
            return ManagedIdentitySource(
                kind: try managedIdentityKind(keyPath: keyPath),
                clientID: auth.clientID ?? variable("AZURE_CLIENT_ID"),
                cloud: cloud, http: services.http)
        case "azure_cli":
            return CommandTokenSource.azureCLI(
                cloud: cloud, tenant: auth.tenantID ?? variable("AZURE_TENANT_ID"), runner: services.runner,
                clock: services.http.clock, timeout: timeout ?? .seconds(10))
        case "bearer_token_file":
            guard let file = auth.tokenFile else {
                throw ConfigurationError("\(keyPath).token_file is missing")
            }
            return BearerTokenFileSource(path: file, scope: cloud.scope, clock: services.http.clock)
        case "token_command":
            guard let command = auth.command else {
                throw ConfigurationError("\(keyPath).command is missing")
            }
            return CommandTokenSource.tokenCommand(
                command, scope: cloud.scope, runner: services.runner, clock: services.http.clock,
                timeout: timeout ?? .seconds(30))
        default:  // "entra"
            _ = try managedIdentityKind(keyPath: keyPath)
            return ChainedTokenSource(
                sources: DefaultChain.sources(
                    environment: env, cloud: cloud, clientID: auth.clientID, services: services),
                scope: cloud.scope)
        }
    }

    /// The cloud: `authority_host`, else `AZURE_AUTHORITY_HOST`, else the one the endpoint's host
    /// belongs to (`*.azure.cn`: China, `*.azure.us`: US Government), else the public cloud.
    private func cloud(_ auth: AuthEntry, url: String, keyPath: String) throws -> EntraCloud {
        var authority =
            auth.authorityHost ?? environment["AZURE_AUTHORITY_HOST"].flatMap { $0.isEmpty ? nil : $0 }
        if authority == nil, let host = URL(string: url)?.host?.lowercased() {
            if host.hasSuffix(".azure.cn") { authority = "login.chinacloudapi.cn" }
            if host.hasSuffix(".azure.us") { authority = "login.microsoftonline.us" }
        }
        let cloud = EntraCloud(authority: authority, scope: auth.scope)
        try Self.checkSecure(
            cloud.authority,
            what: auth.authorityHost != nil ? "\(keyPath).authority_host" : "AZURE_AUTHORITY_HOST")
        return cloud
    }

    /// The managed identity endpoint the environment selects, its URL checked.
    private func managedIdentityKind(keyPath: String) throws -> ManagedIdentitySource.Kind {
        let kind = ManagedIdentitySource.kind(environment: environment)
        switch kind {
        case .appService(let endpoint, _):
            try Self.checkSecure(endpoint, what: "IDENTITY_ENDPOINT")
        case .imds(let base):
            // IMDS itself is plain http at a link-local address no packet leaves the host for.
            if base != ManagedIdentitySource.imdsBase {
                try Self.checkSecure(base, what: "AZURE_POD_IDENTITY_AUTHORITY_HOST")
            }
        }
        return kind
    }

    static func checkSecure(_ url: String, what: String) throws {
        if let problem = SecureURL.problem(url) { throw ConfigurationError("\(what): \(problem)") }
    }
}
