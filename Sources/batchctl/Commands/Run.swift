import ArgumentParser
import BatchCore
import BatchEngine
import BatchTransport
import Foundation
import Synchronization

/// `batchctl run FILE…`: submits and processes files in the foreground, without a daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send every line of JSONL files now, in the foreground, and write the outputs beside them.",
        discussion: """
            Running the same file again resumes its unfinished job; a file whose job completed is not
            sent again (use --new). Ctrl-C stops gracefully (requests in flight are awaited and recorded);
            a second Ctrl-C exits at once.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var job: JobOptionsGroup

    @Flag(help: "Start a new job even if the file already has one (its outputs are rewritten).")
    var new = false

    @Flag(help: "Print a JSON summary of the jobs on stdout.")
    var json = false

    @Flag(inversion: .prefixedNo, help: "Show a live progress line on a terminal.")
    var progress = true

    @Argument(help: "JSONL files in the Batch API input format.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one JSONL file") }
    }

    func run() async throws {
        try await reportingErrors {
            let settings = try global.loadSettings()
            do {
                _ = try settings.endpoint(named: job.endpoint)
            } catch let error as ConfigurationError {
                throw CLIError(code: .configuration, message: error.message)
            }
            let store = try global.openStore()
            let submitter = Submitter(store: store)
            let jobs = try files.map {
                try submitter.findOrSubmit(
                    path: $0, endpoint: job.endpoint, priority: job.priority, options: job.jobOptions,
                    forceNew: new)
            }
            let concurrency = job.concurrency ?? Settings.defaultConcurrency
            let transport = AsyncHTTPTransport(connectionsPerHost: concurrency * 4)
            let environment = RunEnvironment(
                store: store, settings: settings, transport: transport, logger: global.makeLogger())
            let interrupts = Interrupts()
            let signalTask = Task { await interrupts.watch() }
            defer { signalTask.cancel() }
            var status = ExitStatus.success
            var views: [JobView] = []
            for record in jobs {
                if interrupts.count > 0 { break }
                let runner = JobRunner(jobID: record.id, environment: environment)
                interrupts.current = runner
                let display = ProgressDisplay(runner: runner, enabled: progress && isatty(STDERR_FILENO) == 1)
                let displayTask = Task { await display.run() }
                let outcome: JobRunOutcome
                do {
                    outcome = try await runner.run()
                } catch {
                    displayTask.cancel()
                    try? await transport.shutdown()
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
            if json { try JSONOutput.print(views) }
            return interrupts.count > 0 ? .interrupted : status
        }
    }
}

extension ExitStatus: Comparable {
    static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Signals received since `Interrupts.install()`; written by the signal handler.
private let receivedSignals = Atomic<Int>(0)

/// Ctrl-C handling for `run`: the first SIGINT or SIGTERM drains the current job, a second exits.
///
/// The handler is installed synchronously, before any request starts, so an early Ctrl-C is never
/// lost; it only counts (which is async-signal-safe), and `watch()` acts on the count.
final class Interrupts: @unchecked Sendable {
    private let lock = NSLock()
    private var handled = 0
    private var _current: JobRunner?

    init() {
        let handler: @convention(c) (Int32) -> Void = { _ in receivedSignals.add(1, ordering: .relaxed) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    var count: Int { receivedSignals.load(ordering: .relaxed) }
    var current: JobRunner? {
        get { lock.withLock { _current } }
        set { lock.withLock { _current = newValue } }
    }

    /// Acts on signals as they are counted, checking every 50 ms.
    func watch() async {
        while !Task.isCancelled {
            let count = self.count
            if count >= 2 { exit(ExitStatus.interrupted.rawValue) }
            if count == 1 {
                if handled == 0 {
                    handled = 1
                    FileHandle.standardError.write(
                        Data(
                            "\nbatchctl: stopping: waiting for requests in flight (Ctrl-C again to quit now)\n"
                                .utf8))
                }
                current?.drain()  // idempotent; also reaches a job started just before the signal
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
