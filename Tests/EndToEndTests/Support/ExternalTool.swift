import Foundation
import Testing

/// A program from the machine (not built here) that a test needs: Debian's `chromium`, or
/// `promtool` from the `prometheus` package. Outside CI a missing one skips its tests with a
/// message saying how to install it; with the tool's `requiredBy` variable set to 1 (`.ci/run`
/// sets them) a missing one fails them instead, so CI never passes by skipping.
struct ExternalTool: Sendable {
    /// The names tried on `PATH`, in order.
    var names: [String]
    /// The variable that names the executable explicitly.
    var override: String
    /// The variable that, set to 1, makes a missing tool a failure.
    var requiredBy: String
    /// How to get it, for the skip message.
    var install: String

    static let chromium = ExternalTool(
        names: ["chromium", "chromium-browser", "google-chrome"], override: "BATCHD_CHROMIUM",
        requiredBy: "BATCHD_REQUIRE_BROWSER", install: "apt-get install chromium")
    static let promtool = ExternalTool(
        names: ["promtool"], override: "BATCHD_PROMTOOL", requiredBy: "BATCHD_REQUIRE_PROMTOOL",
        install: "apt-get install prometheus")

    /// The executable's path, or `nil` when it is not installed.
    var path: String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment[override], !explicit.isEmpty {
            return FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    var isRequired: Bool { ProcessInfo.processInfo.environment[requiredBy] == "1" }

    /// Run the test if the tool is installed, or if it is required (the test then fails on it).
    var available: Bool { path != nil || isRequired }

    var skipMessage: Comment {
        "\(names[0]) is not installed (\(install)); set \(requiredBy)=1 to fail instead of skipping"
    }

    /// The path, or an error naming the missing tool (when it is required and absent).
    func require() throws -> String {
        guard let path else {
            throw MissingTool(
                description: "\(names[0]) not found on PATH (\(install)); \(requiredBy)=1 requires it")
        }
        return path
    }

    struct MissingTool: Error, CustomStringConvertible {
        var description: String
    }
}

extension ChildProcess {
    /// Runs a command to completion, killing it after `timeout`; its stdin is `input`'s bytes.
    static func run(
        _ executable: String, _ arguments: [String], folder: String, timeout: Duration,
        environment: [String: String] = [:], input: Data? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        var stdinPath: String?
        if let input {
            let path = folder + "/\(UUID().uuidString).in"
            try input.write(to: URL(fileURLWithPath: path))
            stdinPath = path
        }
        let child = try ChildProcess(
            executable, arguments, environment: environment, folder: folder, stdinPath: stdinPath)
        let killer = Task {
            try await Task.sleep(for: timeout)
            child.signal(SIGKILL)
        }
        let status = await child.wait()
        killer.cancel()
        guard status != 128 + SIGKILL else {
            throw WaitTimeout(what: "\(executable) to exit (killed after \(timeout))")
        }
        return (status, child.stdout, child.stderr)
    }
}
