import ArgumentParser
import BatchEngine

/// `batchctl submit FILE…`: queues files for the daemon.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Queue JSONL files as jobs for batchd.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var job: JobSettingsOptions

    @Flag(help: "Print the jobs as JSON.")
    var json = false

    @Flag(
        help: "Check the files and show their cost as `batchctl validate` does; send nothing, queue no job.")
    var dryRun = false

    @Argument(help: "JSONL files in the Batch API input format.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one JSONL file") }
    }

    func run() async throws {
        try await reportingErrors {
            if dryRun {
                return try ValidationRun.run(
                    files: files, endpoint: job.endpoint, settings: try global.loadSettings(), json: json)
            }
            let submitter = Submitter(store: try global.openStore())
            var views: [JobView] = []
            for file in files {
                let record = try await submitter.submit(path: file, settings: job.jobSettings)
                views.append(JobView(record))
            }
            if json {
                try JSONOutput.print(views)
            } else {
                for view in views { print("job \(view.id) queued: \(view.input)") }
            }
            return .success
        }
    }
}
