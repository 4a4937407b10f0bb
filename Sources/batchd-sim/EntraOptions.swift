import ArgumentParser
import BatchSimulator
import Foundation

/// `batchd-sim`'s Microsoft Entra ID options: with `--entra` (or any of them), the simulator serves
/// a token endpoint, IMDS and App Service's identity endpoint, and API requests need its tokens.
struct EntraOptions: ParsableArguments {
    @Flag(help: "Serve Entra ID endpoints and require their bearer tokens on API requests.")
    var entra = false
    @Option(help: "The tenant of the token endpoint (/{tenant}/oauth2/v2.0/token).")
    var entraTenant = "sim-tenant"
    @Option(help: "The app registration's client id.")
    var entraClientID = "sim-client"
    @Option(help: "The app's client secret (a test value, never a real one).")
    var entraClientSecret: String?
    @Option(help: "A PEM certificate: client assertions must be signed with its key.")
    var entraCertificate: String?
    @Option(help: "The federated token workload identity sends.")
    var entraFederatedToken: String?
    @Option(help: "The header App Service's endpoint requires (X-IDENTITY-HEADER).")
    var identityHeader = "sim-identity-header"
    @Flag(help: "IMDS and App Service answer that no identity is assigned.")
    var noManagedIdentity = false
    @Option(help: "How long issued tokens live, in seconds.")
    var tokenLifetime: Int = 3600

    /// The simulation these options ask for, `nil` when Entra ID is off.
    func simulation() throws -> EntraSimulation? {
        let on =
            entra || entraClientSecret != nil || entraCertificate != nil || entraFederatedToken != nil
        guard on else { return nil }
        var simulation = EntraSimulation()
        simulation.tenant = entraTenant
        simulation.clientID = entraClientID
        simulation.clientSecret = entraClientSecret
        if let path = entraCertificate {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("--entra-certificate: cannot read \(path)")
            }
            simulation.certificatePEM = String(decoding: data, as: UTF8.self)
        }
        simulation.federatedToken = entraFederatedToken
        simulation.identityHeader = identityHeader
        simulation.managedIdentity = !noManagedIdentity
        simulation.tokenLifetime = .seconds(tokenLifetime)
        return simulation
    }
}
