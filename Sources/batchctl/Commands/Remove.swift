import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore

/// `batchctl rm JOB…`: forgets jobs; their files stay.
struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Forget jobs: remove them from the database, never their input or output files.",
        discussion: """
            A job a live process runs is refused (pause or cancel it first). A job whose input is still \
            in one of the config's drop folders is refused too, as the daemon would take the file again \
            and send it again; --force forgets it anyway. Running a forgotten job's file again starts a \
            new job that sends every line again.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job ids (see `batchctl list`).")
    var jobs: [Int64]

    @Flag(help: "Forget a job even if its input is still in a drop folder.")
    var force = false

    @Flag(help: "Print the forgotten jobs as JSON.")
    var json = false

    func validate() throws {
        if jobs.isEmpty { throw ValidationError("name at least one job") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try global.openStore()
            let settings = try global.loadSettings()
            var forgotten: [JobView] = []
            var problems: [String] = []
            for id in jobs {
                guard let record = try? await store.job(id) else {
                    problems.append(BatchdError.jobNotFound(id).message)
                    continue
                }
                if !force, let folder = DropFolderGuard.folder(holding: record, settings: settings) {
                    problems.append(DropFolderGuard.message(record, folder: folder))
                    continue
                }
                switch try await store.forget(job: id, now: SystemClock().now, isAlive: RunOwner.isAlive) {
                case .forgotten(let job):
                    forgotten.append(JobView(job))
                    if !json {
                        print("job \(id) forgotten (its files stay: \(job.inputPath) and its outputs)")
                    }
                case .running(let pid):
                    problems.append("job \(id) is being run by pid \(pid): pause or cancel it first")
                case .notFound:
                    problems.append(BatchdError.jobNotFound(id).message)
                }
            }
            if json { try JSONOutput.print(forgotten) }
            guard problems.isEmpty else {
                throw CLIError(code: .configuration, message: problems.joined(separator: "\nbatchctl: "))
            }
            return .success
        }
    }
}
