import BatchSimulator
import Foundation

/// Starts an in-process simulator on a free loopback port for one test.
struct SimulatorHarness {
    let simulator: Simulator
    let port: Int

    static func start(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) async throws
        -> SimulatorHarness
    {
        var configuration = SimulatorConfiguration()
        configure(&configuration)
        let simulator = Simulator(configuration: configuration)
        let port = try await simulator.start()
        return SimulatorHarness(simulator: simulator, port: port)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The environment that points batchctl's default endpoint at the simulator, OpenAI style.
    func openAIEnvironment(key: String = "sk-test-key") -> [String: String] {
        ["OPENAI_BASE_URL": baseURL + "/v1", "OPENAI_API_KEY": key]
    }

    /// The environment that points batchctl's default endpoint at the simulator, Azure style.
    func azureEnvironment(key: String = "azure-test-key", apiVersion: String = "2024-10-21") -> [String:
        String]
    {
        ["AZURE_OPENAI_ENDPOINT": baseURL, "AZURE_OPENAI_API_KEY": key, "OPENAI_API_VERSION": apiVersion]
    }

    func shutdown() async throws {
        try await simulator.shutdown()
    }
}

/// A temporary folder for one test's files and database.
final class TestFolder: @unchecked Sendable {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("batchd-e2e-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var database: String { path + "/batchd.sqlite" }

    func batchctl(_ arguments: [String], environment: [String: String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await ChildProcess.run(
            Binaries.batchctl, arguments + ["--database", database], environment: environment, folder: path)
    }
}
