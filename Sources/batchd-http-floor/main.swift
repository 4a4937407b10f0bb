import ArgumentParser
import BatchTransport

/// Parses the command line and runs the floor, as `main()` would (an async function, so that the
/// command's async `run()` is the one chosen).
func parseAndRun() async {
    do {
        var command: any AsyncParsableCommand = try HTTPFloor.parse()
        try await command.run()
    } catch {
        HTTPFloor.exit(withError: error)
    }
}

// As in `batchctl` and `batchd`: tasks run on the HTTP client's event loops.
EventLoopExecutor.install()
await parseAndRun()
