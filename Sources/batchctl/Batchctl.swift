import ArgumentParser

/// `batchctl`: submits and inspects batchd jobs, or runs them in the foreground.
struct Batchctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchctl",
        abstract: "Run and manage batches of OpenAI / Azure OpenAI requests from JSONL files.",
        discussion: """
            Exit codes: 0 every line succeeded; 1 finished, but some lines are in the errors file; \
            2 a job stopped before finishing (see `batchctl status`); 3 configuration or input error; \
            64 usage error; 130 interrupted (progress is kept: run the same command again to resume).

            Shell completions: batchctl --generate-completion-script bash (or zsh, fish).
            """,
        subcommands: [
            Run.self, Submit.self, Validate.self, List.self, Status.self, Errors.self, Watch.self, Pause.self,
            Resume.self, Cancel.self, Retry.self, Remove.self, Clean.self, Cache.self, Doctor.self,
        ]
    )
}
