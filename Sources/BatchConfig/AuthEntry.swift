/// How an Azure endpoint authenticates: its `auth` key, a string or an object.
///
/// | `auth` | means |
/// |---|---|
/// | absent, `"api_key"` | the `api-key` header, from `api_key_env` or `api_key_file` |
/// | `"entra"` | Microsoft Entra ID, the source found as `DefaultAzureCredential` finds it |
/// | `{"type": "entra", "client_id": …, "authority_host": …, "scope": …}` | the same, with options |
/// | `{"type": "client_secret", "tenant_id": …, "client_id": …, "client_secret_env": …}` | one named source |
///
/// Named sources: `client_secret` (`client_secret_env`, default `AZURE_CLIENT_SECRET`),
/// `client_certificate` (`certificate_path`, default `$AZURE_CLIENT_CERTIFICATE_PATH`),
/// `workload_identity` (`token_file`, default `$AZURE_FEDERATED_TOKEN_FILE`), `managed_identity`
/// (`client_id` for a user-assigned identity), `azure_cli`, `bearer_token_file` (`token_file`),
/// `token_command` (`command`, `timeout_seconds`). `tenant_id` and `client_id` default to
/// `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`. Secrets are never written here: only the variable or
/// file that holds them.
public struct AuthEntry: Codable, Sendable, Equatable {
    public var type: String
    public var tenantID: String?
    public var clientID: String?
    public var clientSecretEnv: String?
    public var certificatePath: String?
    public var tokenFile: String?
    public var command: String?
    public var authorityHost: String?
    public var scope: String?
    public var timeoutSeconds: Double?

    public static let types = [
        "api_key", "entra", "client_secret", "client_certificate", "workload_identity", "managed_identity",
        "azure_cli", "bearer_token_file", "token_command",
    ]

    public init(type: String) {
        self.type = type
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, command, scope
        case tenantID = "tenant_id"
        case clientID = "client_id"
        case clientSecretEnv = "client_secret_env"
        case certificatePath = "certificate_path"
        case tokenFile = "token_file"
        case authorityHost = "authority_host"
        case timeoutSeconds = "timeout_seconds"
    }

    /// The keys an `auth` object may hold (a string form is not checked here).
    static let schema = KeySchema.object(
        Dictionary(uniqueKeysWithValues: CodingKeys.allCases.map { ($0.rawValue, KeySchema.value) }))

    public init(from decoder: any Decoder) throws {
        if let type = try? decoder.singleValueContainer().decode(String.self) {
            self.init(type: type)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(type: try container.decode(String.self, forKey: .type))
        tenantID = try container.decodeIfPresent(String.self, forKey: .tenantID)
        clientID = try container.decodeIfPresent(String.self, forKey: .clientID)
        clientSecretEnv = try container.decodeIfPresent(String.self, forKey: .clientSecretEnv)
        certificatePath = try container.decodeIfPresent(String.self, forKey: .certificatePath)
        tokenFile = try container.decodeIfPresent(String.self, forKey: .tokenFile)
        command = try container.decodeIfPresent(String.self, forKey: .command)
        authorityHost = try container.decodeIfPresent(String.self, forKey: .authorityHost)
        scope = try container.decodeIfPresent(String.self, forKey: .scope)
        timeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(tenantID, forKey: .tenantID)
        try container.encodeIfPresent(clientID, forKey: .clientID)
        try container.encodeIfPresent(clientSecretEnv, forKey: .clientSecretEnv)
        try container.encodeIfPresent(certificatePath, forKey: .certificatePath)
        try container.encodeIfPresent(tokenFile, forKey: .tokenFile)
        try container.encodeIfPresent(command, forKey: .command)
        try container.encodeIfPresent(authorityHost, forKey: .authorityHost)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(timeoutSeconds, forKey: .timeoutSeconds)
    }
}
