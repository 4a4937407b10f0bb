import ArgumentParser
import BatchEngine
import BatchTransport
import Foundation

/// `batchctl doctor [--endpoint NAME] [--deployment NAME]`: checks that an endpoint can be used.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check an endpoint: its configuration, its credential (for Entra ID the source and the token's"
            + " expiry, never the token) and one cheap request, with what to do when a check fails.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The endpoint to check: a name from the config file, or 'default'.")
    var endpoint = "default"

    @Option(help: "A deployment (Azure) or model to send a one-token chat completion to.")
    var deployment: String?

    func run() async throws {
        try await reportingErrors {
            let settings = try global.loadSettings()
            let transport = AsyncHTTPTransport(connectionsPerHost: 1)
            let checks = await EndpointDoctor(settings: settings, transport: transport).run(
                endpoint: endpoint, deployment: deployment)
            try? await transport.shutdown()
            for check in checks {
                print(
                    "\(check.verdict.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(check.name): \(check.detail)"
                )
                if !check.advice.isEmpty { print("        → \(check.advice)") }
            }
            return checks.contains { $0.verdict == .fail } ? .configuration : .success
        }
    }
}
