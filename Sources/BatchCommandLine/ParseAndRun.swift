import ArgumentParser

extension ParsableCommand {
    /// Parses the command line and runs the chosen command, as `main()` does, from top-level code
    /// (so that `main.swift` can set up the process before anything else runs). Shared by the three
    /// executables.
    public static func parseAndRun() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
