import ArgumentParser
import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import Foundation
import Logging

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: "The SQLite database (default: $BATCHD_DATABASE, else $XDG_STATE_HOME/batchd/batchd.sqlite).")
    var database: String?

    @Option(
        help:
            "The JSON configuration file (default: $BATCHD_CONFIG, else $XDG_CONFIG_HOME/batchd/config.json)."
    )
    var config: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var databasePath: String { Paths.database(explicit: database, environment: environment) }

    func openStore() throws -> Store {
        do {
            return try Store(path: databasePath)
        } catch {
            throw CLIError(
                code: .configuration, message: "cannot open the database \(databasePath): \(error)")
        }
    }

    func loadSettings() throws -> Settings {
        do {
            return try Settings.load(configPath: config, environment: environment)
        } catch let error as ConfigurationError {
            throw CLIError(code: .configuration, message: error.message)
        }
    }

    func makeLogger() -> Logger {
        let level = logLevel
        var logger = Logger(label: "batchctl") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }
}

/// Exit statuses of batchctl, documented in `batchctl --help` and the README.
enum ExitStatus: Int32 {
    case success = 0
    case someLinesFailed = 1
    case jobStopped = 2
    case configuration = 3
    case interrupted = 130
}

/// An error that ends the command with a message and a documented exit status.
struct CLIError: Error, CustomStringConvertible {
    var code: ExitStatus
    var message: String
    var description: String { message }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning a `CLIError` or a `BatchdError` into a message on stderr and its exit status.
    func reportingErrors(_ body: () async throws -> ExitStatus) async throws {
        let status: ExitStatus
        do {
            status = try await body()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("batchctl: \(error.message)\n".utf8))
            status = error.code
        } catch let error as BatchdError {
            FileHandle.standardError.write(Data("batchctl: \(error.message)\n".utf8))
            status = .configuration
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
