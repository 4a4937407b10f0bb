import BatchCore
import Foundation

/// A token printed by a program: the Azure CLI (`azure_cli`) or any `token_command`.
///
/// - Azure CLI: `az account get-access-token --output json --resource R [--tenant T]`; its JSON
///   holds `accessToken` and `expires_on` (epoch, newer CLIs) or `expiresOn` (local time). Not
///   installed or not logged in (`az login`) is ``TokenFailure/Kind/unavailable``.
/// - `token_command`: run with `/bin/sh -c`; it prints the JSON of a token endpoint
///   (`access_token`, `expires_in` or `expires_on`) or the bare token. A bare token's expiry is
///   its JWT `exp` claim, else 5 minutes from now (so it is run again at least that often).
///
/// Each fetch runs the program once, killed after `timeout`. Guarantee: what it printed on
/// standard output never appears in an error; only the first line of its standard error does.
public struct CommandTokenSource: TokenSource {
    public let name: String
    let arguments: [String]
    let identity: String
    let scope: String
    let runner: any CommandRunner
    let clock: any BatchClock
    let timeout: Duration

    /// How long a token that says no expiry is used.
    public static let assumedLife: Duration = .seconds(300)

    init(
        name: String, arguments: [String], identity: String, scope: String, runner: any CommandRunner,
        clock: any BatchClock, timeout: Duration
    ) {
        self.name = name
        self.arguments = arguments
        self.identity = identity
        self.scope = scope
        self.runner = runner
        self.clock = clock
        self.timeout = timeout
    }

    public static func azureCLI(
        cloud: EntraCloud, tenant: String?, runner: any CommandRunner, clock: any BatchClock,
        timeout: Duration = .seconds(10)
    ) -> CommandTokenSource {
        var arguments = [
            "az", "account", "get-access-token", "--output", "json", "--resource", cloud.resource,
        ]
        if let tenant { arguments += ["--tenant", tenant] }
        return CommandTokenSource(
            name: "azure_cli", arguments: arguments, identity: tenant ?? "default", scope: cloud.scope,
            runner: runner, clock: clock, timeout: timeout)
    }

    public static func tokenCommand(
        _ command: String, scope: String, runner: any CommandRunner, clock: any BatchClock,
        timeout: Duration = .seconds(30)
    ) -> CommandTokenSource {
        CommandTokenSource(
            name: "token_command", arguments: ["/bin/sh", "-c", command], identity: command, scope: scope,
            runner: runner, clock: clock, timeout: timeout)
    }

    public var cacheKey: TokenCacheKey { TokenCacheKey(source: name, identity: identity, scope: scope) }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        let output: CommandOutput
        do {
            output = try await runner.run(arguments, environment: nil, timeout: timeout)
        } catch {
            switch error {
            case .notFound:
                throw TokenFailure(
                    kind: .unavailable, source: name,
                    message: "\(arguments[0]) is not installed (not found in PATH)")
            case .timedOut:
                throw TokenFailure(
                    kind: .unreachable, source: name,
                    message:
                        "\(arguments[0]) gave no token within \(timeout.wholeMillisecondsRoundedUp / 1000) s")
            case .cannotStart(let reason):
                throw TokenFailure(
                    kind: .unavailable, source: name, message: "cannot start \(arguments[0]): \(reason)")
            }
        }
        guard output.status == 0 else {
            let firstLine = output.stderr.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let notLoggedIn = name == "azure_cli" && output.stderr.contains("az login")
            throw TokenFailure(
                kind: notLoggedIn ? .unavailable : .rejected, source: name,
                message: "\(arguments[0]) exited with status \(output.status)"
                    + (firstLine.isEmpty ? "" : ": \(firstLine)"))
        }
        let text = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{") {
            return try TokenAnswer.token(from: Array(text.utf8), now: clock.now, source: name)
        }
        return try BearerTokenFileSource.token(text, now: clock.now, source: name)
    }
}

/// A bearer token kept in a file by something else (a sidecar, a cron job): `bearer_token_file`.
///
/// The file is read at every fetch; its expiry is the token's JWT `exp` claim, else 5 minutes
/// from the read (so a rotated file is picked up at least that often).
public struct BearerTokenFileSource: TokenSource {
    public let name = "bearer_token_file"
    public let path: String
    public let scope: String
    let clock: any BatchClock

    public init(path: String, scope: String, clock: any BatchClock) {
        self.path = path
        self.scope = scope
        self.clock = clock
    }

    public var cacheKey: TokenCacheKey { TokenCacheKey(source: name, identity: path, scope: scope) }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        let text = try SecretFile.read(path, source: name, what: "the token file")
        return try Self.token(text, now: clock.now, source: name)
    }

    static func token(_ text: String, now: Timestamp, source: String) throws(TokenFailure) -> AccessToken {
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace }) else {
            throw TokenFailure(kind: .invalidAnswer, source: source, message: "the output is not one token")
        }
        let expiry = JWTClaims.expiry(of: text) ?? now.advanced(by: CommandTokenSource.assumedLife)
        return AccessToken(value: text, expiresOn: expiry)
    }
}
