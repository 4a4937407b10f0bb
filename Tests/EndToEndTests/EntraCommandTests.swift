import BatchCore
import BatchSimulator
import Foundation
import Testing

/// `batchctl run`, `status`, `resume` and `doctor` with Microsoft Entra ID, the built binary
/// against the simulator's token endpoint on a loopback port.
@Suite("batchctl with Entra ID", .serialized)
struct EntraCommandTests {
    static func start() async throws -> SimulatorHarness {
        try await SimulatorHarness.start {
            var simulation = EntraSimulation()
            simulation.clientSecret = "right-secret"
            $0.entra = simulation
        }
    }

    static func environment(_ sim: SimulatorHarness, secret: String) -> [String: String] {
        [
            "AZURE_OPENAI_ENDPOINT": sim.baseURL, "OPENAI_API_VERSION": "2024-10-21",
            "AZURE_AUTHORITY_HOST": sim.baseURL, "AZURE_TENANT_ID": "sim-tenant",
            "AZURE_CLIENT_ID": "sim-client",
            "AZURE_CLIENT_SECRET": secret, "PATH": "/usr/bin:/bin",
        ]
    }

    func write(_ folder: TestFolder, count: Int) throws -> String {
        let path = folder.path + "/entra.jsonl"
        let lines = (0..<count).map {
            JobFiles.chat("e\($0)", model: "my-deployment", url: "/chat/completions")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(
        "a wrong secret: exit 2, auth_failed with AADSTS7000215, no token in the debug log; resume then runs")
    func wrongSecretThenResume() async throws {
        let sim = try await Self.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let path = try write(folder, count: 50)

        let failed = try await folder.batchctl(
            ["run", path, "--log-level", "debug"], environment: Self.environment(sim, secret: "wrong-secret"))
        #expect(failed.status == 2, "\(failed.stderr)")
        #expect(failed.stderr.contains("auth_failed") || failed.stderr.contains("cannot authenticate"))
        #expect(failed.stderr.contains("AADSTS7000215"))
        #expect(!failed.stderr.contains("wrong-secret"))
        let status = try await folder.batchctl(
            ["status", "1"], environment: Self.environment(sim, secret: "x"))
        #expect(status.stdout.contains("auth_failed"))

        let resumed = try await folder.batchctl(
            ["resume", "1"], environment: Self.environment(sim, secret: "x"))
        #expect(resumed.status == 0)
        let run = try await folder.batchctl(
            ["run", path, "--log-level", "debug"], environment: Self.environment(sim, secret: "right-secret"))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("sim-eyJ"), "no token in the debug log")
        #expect(sim.simulator.stats.answered2xx == 50)
        for file in ["entra.results.jsonl", "entra.errors.jsonl", "entra.report.json", "batchd.sqlite"] {
            let bytes = FileManager.default.contents(atPath: folder.path + "/" + file) ?? Data()
            #expect(!String(decoding: bytes, as: UTF8.self).contains("sim-eyJ"), "\(file)")
        }
    }

    @Test("batchctl doctor: the source, the expiry, the request accepted; a wrong secret fails with advice")
    func doctor() async throws {
        let sim = try await Self.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let good = try await folder.batchctl(
            ["doctor", "--deployment", "my-deployment"],
            environment: Self.environment(sim, secret: "right-secret"))
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("ok      credential: Microsoft Entra ID token from client_secret"))
        #expect(
            good.stdout.contains("ok      request: a one-token chat completion to my-deployment: HTTP 200"))
        #expect(!good.stdout.contains("sim-eyJ"))
        let bad = try await folder.batchctl(["doctor"], environment: Self.environment(sim, secret: "nope"))
        #expect(bad.status == 3)
        #expect(bad.stdout.contains("FAIL    credential: client_secret"))
        #expect(bad.stdout.contains("AADSTS7000215"))
        #expect(bad.stdout.contains("skipped request"))
    }
}
