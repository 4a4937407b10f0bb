import ArgumentParser
import BatchConfig

/// `batchctl validate FILE…`: checks files before paying for them, without sending anything.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check JSONL files without sending them: rejected lines, counts, tokens, provider limits, cost.",
        discussion: """
            Every line is parsed as a job would parse it; each rejected line is printed as \
            file:line: code: reason. Requests are counted per url and model with their estimated input \
            tokens and the most output their max_tokens allow; the limits of the hosted Batch APIs the \
            file crosses are listed; the cost is a range from the input alone to every max_tokens used, \
            per model and in total, at live and at batch price (prices: the shipped table and the \
            config's prices; a model with none says no price). Nothing is sent and no job is created. \
            Exit status 1 when a line is rejected.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Check the lines as for this endpoint (on Azure, body.model must be a deployment name).")
    var endpoint: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Argument(help: "JSONL files in the Batch API input format.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one JSONL file") }
    }

    func run() async throws {
        try await reportingErrors {
            try ValidationRun.run(
                files: files, endpoint: endpoint, explicit: true, settings: try global.loadSettings(),
                json: json)
        }
    }
}
