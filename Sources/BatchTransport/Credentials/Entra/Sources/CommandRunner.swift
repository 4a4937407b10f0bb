import BatchCore
import Foundation

/// Runs a program and collects what it printed: the boundary between token sources and the
/// processes they start (the Azure CLI, a `token_command`), faked in tests.
public protocol CommandRunner: Sendable {
    /// Runs `arguments[0]` (looked up in `PATH`) with the rest as its arguments. Throws
    /// ``CommandFailure`` when it cannot start or outlives `timeout` (it is killed then).
    func run(_ arguments: [String], environment: [String: String]?, timeout: Duration)
        async throws(CommandFailure)
        -> CommandOutput
}

public struct CommandOutput: Sendable, Equatable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

public enum CommandFailure: Error, Sendable, Equatable {
    /// The program does not exist in `PATH`.
    case notFound
    case timedOut
    case cannotStart(String)
}

/// Foundation's `Process`, through `/usr/bin/env` (which searches `PATH` and exits 127 when the
/// program is not found). Output is read on a thread of its own while the program runs.
public struct ProcessCommandRunner: CommandRunner {
    public init() {}

    public func run(_ arguments: [String], environment: [String: String]?, timeout: Duration)
        async throws(CommandFailure) -> CommandOutput
    {
        let result: Result<CommandOutput, CommandFailure> = await withCheckedContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            if let environment { process.environment = environment }
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            let timedOut = TimedOutFlag()
            DispatchQueue.global().async {
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: .failure(.cannotStart("\(error)")))
                    return
                }
                let timer = DispatchWorkItem {
                    timedOut.set()
                    process.terminate()
                }
                DispatchQueue.global().asyncAfter(
                    deadline: .now() + .milliseconds(Int(timeout.wholeMillisecondsRoundedUp)), execute: timer)
                let group = DispatchGroup()
                let errorText = CollectedData()
                group.enter()
                DispatchQueue.global().async {
                    errorText.set(stderr.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                timer.cancel()
                if timedOut.isSet {
                    continuation.resume(returning: .failure(.timedOut))
                } else if process.terminationStatus == 127 {
                    continuation.resume(returning: .failure(.notFound))
                } else {
                    continuation.resume(
                        returning: .success(
                            CommandOutput(
                                status: process.terminationStatus,
                                stdout: String(decoding: output, as: UTF8.self),
                                stderr: String(decoding: errorText.value, as: UTF8.self))))
                }
            }
        }
        return try result.get()
    }
}

private final class TimedOutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

private final class CollectedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ data: Data) { lock.withLock { self.data = data } }
    var value: Data { lock.withLock { data } }
}
