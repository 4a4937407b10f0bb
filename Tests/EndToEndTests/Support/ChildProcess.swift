import BatchTesting
import Foundation

/// A child process started by a test, with its output captured to files.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(
        _ executable: String, _ arguments: [String], environment: [String: String], folder: String,
        stdinPath: String? = nil
    ) throws {
        stdoutPath = folder + "/\(UUID().uuidString).out"
        stderrPath = folder + "/\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder]
        env.merge(environment) { $1 }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput =
            try stdinPath.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) }
            ?? FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit and returns its status (128 + signal when killed by one).
    func wait() async -> Int32 {
        await blockingWait {
            self.process.waitUntilExit()
            let status = self.process.terminationStatus
            return self.process.terminationReason == .uncaughtSignal ? 128 + status : status
        }
    }

    /// Runs a command to completion.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], folder: String
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(executable, arguments, environment: environment, folder: folder)
        let status = await child.wait()
        return (status, child.stdout, child.stderr)
    }
}
