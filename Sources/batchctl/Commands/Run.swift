import ArgumentParser
import BatchCommandLine
import BatchConfig
import BatchCore
import BatchEngine
import BatchMetrics
import BatchTransport
import Foundation
import Synchronization

/// `batchctl run FILE…`: submits and processes files in the foreground, without a daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send every line of JSONL files now, in the foreground, and write the outputs beside them.",
        discussion: """
            Running the same file again resumes its unfinished job; a file whose job completed is not \
            sent again (use --new). Ctrl-C stops gracefully (requests in flight are awaited and recorded); \
            a second Ctrl-C exits at once.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var job: JobSettingsOptions

    @Flag(help: "Start a new job even if the file already has one (its outputs are rewritten).")
    var new = false

    @Flag(help: "Print a JSON summary of the jobs on stdout.")
    var json = false

    @Flag(inversion: .prefixedNo, help: "Show a live progress line on a terminal.")
    var progress = true

    @Flag(
        help: "Check the files and show their cost as `batchctl validate` does; send nothing, queue no job.")
    var dryRun = false

    @Option(
        help:
            "Serve Prometheus metrics at http://HOST:PORT/metrics while running; PORT alone listens on 127.0.0.1."
    )
    var metricsAddress: String?

    @Argument(help: "JSONL files in the Batch API input format.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one JSONL file") }
        if let metricsAddress, MetricsAddress(parsing: metricsAddress) == nil {
            throw ValidationError("--metrics-address must be HOST:PORT or PORT, not '\(metricsAddress)'")
        }
    }

    func run() async throws {
        try await reportingErrors {
            if dryRun {
                return try ValidationRun.run(
                    files: files, endpoint: job.endpoint, settings: try global.loadSettings(), json: json)
            }
            let settings = try global.loadSettings()
            let store = try global.openStore()
            let submitter = Submitter(store: store)
            // Before any job is submitted, so that a missing endpoint leaves nothing queued.
            try await checkEndpoints(settings: settings, submitter: submitter)
            var jobs: [JobRecord] = []
            for file in files {
                jobs.append(
                    try await submitter.findOrSubmit(
                        path: file, settings: job.jobSettings,
                        forceNew: new))
            }
            let concurrency = job.concurrency ?? Settings.defaultConcurrency
            let transport = AsyncHTTPTransport(connectionsPerHost: concurrency * 4)
            var environment = RunEnvironment(
                store: store, settings: settings, transport: transport, logger: global.makeLogger())
            let current = Mutex<JobRunner?>(nil)
            let metricsServer = try await startMetrics(environment: &environment) {
                current.withLock { $0 }.map { [$0] } ?? []
            }
            let interrupts = RunInterrupts()
            let signals = await TerminationSignals.trap()  // before any request starts
            let signalTask = Task { await interrupts.handle(signals) }
            defer { signalTask.cancel() }
            var status = ExitStatus.success
            var views: [JobView] = []
            for record in jobs {
                let runner = JobRunner(jobID: record.id, environment: environment)
                current.withLock { $0 = runner }
                if interrupts.begin(runner) { break }
                let display = ProgressDisplay(runner: runner, enabled: progress && isatty(STDERR_FILENO) == 1)
                let displayTask = Task { await display.run() }
                let outcome: JobRunOutcome
                do {
                    outcome = try await runner.run()
                } catch {
                    displayTask.cancel()
                    try? await transport.shutdown()
                    await metricsServer?.stop()
                    throw error
                }
                displayTask.cancel()
                await displayTask.value
                let summary = Summary(outcome: outcome)
                if !json { FileHandle.standardError.write(Data((summary.text + "\n").utf8)) }
                views.append(JobView(outcome.job))
                status = max(status, summary.exitStatus)
            }
            try? await transport.shutdown()
            await metricsServer?.stop()
            if json { try JSONOutput.print(views) }
            return interrupts.interrupted ? .interrupted : status
        }
    }
}

extension Run {
    /// Resolves the endpoint of every job that has to run: a new job's (`--endpoint`), an
    /// unfinished job's own. A file whose job completed needs none: running it again only prints
    /// the earlier summary. Throws the configuration error (exit status 3) of the first that fails.
    private func checkEndpoints(settings: Settings, submitter: Submitter) async throws {
        var names: [String] = []
        for file in files {
            switch new ? .none : try await submitter.existingJob(path: file) {
            case .completed: continue
            case .unfinished(let record): names.append(record.endpoint)
            case .none: names.append(job.endpoint)
            }
        }
        for name in names {
            do {
                _ = try settings.endpoint(named: name)
            } catch let error as ConfigurationError {
                throw CLIError(code: .configuration, message: error.message)
            }
        }
    }
}

extension Run {
    /// With `--metrics-address`, serves `/metrics` for the runs of `environment` (its metrics set
    /// here); `running` names the job being run.
    private func startMetrics(
        environment: inout RunEnvironment, running: @escaping @Sendable () -> [JobRunner]
    ) async throws -> MetricsServer? {
        guard let text = metricsAddress, let address = MetricsAddress(parsing: text) else { return nil }
        let registry = MetricsRegistry()
        let engine = registry.engineMetrics(prices: environment.settings.prices)
        environment.metrics = engine
        let server = registry.server(at: address, engine: engine, environment: environment, running: running)
        let port = try await server.start()
        FileHandle.standardError.write(
            Data("metrics at http://\(MetricsAddress(host: address.host, port: port))/metrics\n".utf8))
        return server
    }
}

extension ExitStatus: Comparable {
    static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}
