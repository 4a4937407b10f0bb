import BatchConfig
import BatchCore
import BatchEngine
import BatchSimulator
import BatchTesting
import BatchTransport
import Foundation
import Testing

@testable import BatchStore

/// Jobs authenticating with a client secret against the simulator's Entra ID side, 64 in flight.
@Suite("JobRunner: Entra ID tokens against the simulator")
struct EntraSimulatorJobTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// Runs `body` with a simulator that issues tokens to the secret `right-secret`.
    func withSimulator(
        _ body: (Simulator, RunEnvironment, String) async throws -> Void, secret: String = "right-secret"
    )
        async throws
    {
        var configuration = SimulatorConfiguration()
        var simulation = EntraSimulation()
        simulation.clientSecret = "right-secret"
        configuration.entra = simulation
        let simulator = Simulator(configuration: configuration)
        let port = try await simulator.start()
        let base = "http://127.0.0.1:\(port)"
        let transport = AsyncHTTPTransport(connectionsPerHost: 64)
        var environment = fixture.environment(transport)
        var settings = Settings(environment: [
            "AZURE_OPENAI_ENDPOINT": base, "OPENAI_API_VERSION": "v1", "AZURE_AUTHORITY_HOST": base,
            "AZURE_TENANT_ID": "sim-tenant", "AZURE_CLIENT_ID": "sim-client", "AZURE_CLIENT_SECRET": secret,
        ])
        settings.identity = IdentityServices(
            http: IdentityHTTP(transport: transport, clock: fixture.clock),
            runner: ScriptedCommandRunner { _ in .failure(.notFound) },
            caches: TokenCaches(clock: fixture.clock))
        environment.settings = settings
        do {
            try await body(simulator, environment, base)
        } catch {
            try await transport.shutdown()
            try await simulator.shutdown()
            throw error
        }
        try await transport.shutdown()
        try await simulator.shutdown()
    }

    /// Runs 400 lines at concurrency 64; `midRun` acts while the 64 requests after the first 100 are
    /// held in flight. Returns the outcome.
    func runHeld(_ simulator: Simulator, _ environment: RunEnvironment, midRun: () -> Void) async throws
        -> JobRunOutcome
    {
        let ids = (1...400).map { "r\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 64))
        simulator.holdRequests(after: 100)
        let run = Task { try await JobRunner(jobID: job.id, environment: environment).run() }
        await simulator.waitUntilHeld(64)
        midRun()
        simulator.releaseHeld()
        return try await run.value
    }

    @Test("a refresh due with 64 requests in flight: one token request, no request failed or refused")
    func refreshUnderLoad() async throws {
        try await withSimulator { simulator, environment, _ in
            let outcome = try await runHeld(simulator, environment) {
                fixture.clock.advance(by: .seconds(31 * 60))  // past half the 1 h token's life
            }
            guard case .completed(let done) = outcome else {
                Issue.record("expected completed, got \(outcome)")
                return
            }
            #expect(done.counts.succeeded == 400)
            #expect(done.counts.failed == 0)
            #expect(simulator.identityStats.tokenRequests == 2, "the first token, then one refresh")
            #expect(simulator.identityStats.unauthorized == 0)
        }
    }

    @Test("tokens expired mid-run, 64 in flight: one refresh, the refused requests retried, none failed")
    func expiredMidRun() async throws {
        try await withSimulator { simulator, environment, _ in
            let outcome = try await runHeld(simulator, environment) { simulator.expireTokens() }
            guard case .completed(let done) = outcome else {
                Issue.record("expected completed, got \(outcome)")
                return
            }
            #expect(done.counts.succeeded == 400)
            #expect(done.counts.failed == 0)
            #expect(simulator.identityStats.tokenRequests == 2, "one refresh however many were refused")
            #expect(simulator.identityStats.unauthorized >= 1)
        }
    }

    @Test("a wrong client secret: the job pauses auth_failed with AADSTS7000215 at once")
    func wrongSecret() async throws {
        try await withSimulator(
            { simulator, environment, _ in
                let job = try await fixture.submit(fixture.writeInput(customIDs: (1...100).map { "r\($0)" }))
                let outcome = try await JobRunner(jobID: job.id, environment: environment).run()
                guard case .paused(let paused) = outcome else {
                    Issue.record("expected paused, got \(outcome)")
                    return
                }
                #expect(paused.stateCode == .authFailed)
                #expect(paused.stateReason?.contains("AADSTS7000215") == true)
                #expect(paused.counts.failed == 0)
                #expect(simulator.stats.received == 0, "no API request was sent")
                #expect(simulator.identityStats.tokenRequests <= 2)
            }, secret: "wrong-secret")
    }
}
