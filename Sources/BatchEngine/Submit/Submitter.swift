import BatchConfig
import BatchCore
import BatchStore
import Foundation

/// Turns input files into queued jobs.
///
/// Guarantees: the job records the input's canonical path (so one file is one job whatever way
/// it was named) and its size and modification time; outputs of batchd are refused as inputs.
/// Whether a file is still its job's file is decided by its content (``unchanged(_:)``), not by
/// its modification time alone.
public struct Submitter: Sendable {
    public let store: Store
    public let clock: any BatchClock

    public init(store: Store, clock: any BatchClock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// Queues `path` as a new job with its own `settings` (endpoint `default` and priority 0 unless
    /// they say otherwise).
    public func submit(path: String, settings: JobSettings = JobSettings()) async throws -> JobRecord {
        let canonical = try checkedInput(path)
        let fingerprint = try FileFingerprint.stat(path: canonical)
        let job = NewJob(
            inputPath: canonical, endpoint: settings.endpoint ?? Settings.defaultEndpointName,
            priority: settings.priority ?? 0, settings: settings,
            fingerprint: InputFingerprint(
                size: fingerprint.size, modificationNanoseconds: fingerprint.mtimeNanoseconds, hash: nil),
            createdAt: clock.now)
        return try await store.submit(job)
    }

    /// The job a file already has, as `batchctl run` sees it before it runs anything.
    public enum ExistingJob: Sendable, Equatable {
        /// Completed, and the file holds the content it ingested: running the file sends nothing.
        case completed(JobRecord)
        /// Queued, running or paused: running the file resumes it, under the endpoint it names.
        case unfinished(JobRecord)
        /// Nothing to reuse (no job, one that failed or was cancelled, or a completed job whose
        /// file changed since): running the file makes a new job.
        case none
    }

    /// The job `path` already has (see ``ExistingJob``). Changes nothing but the recorded
    /// modification time of a completed job's file that was only touched (``unchanged(_:)``).
    public func existingJob(path: String) async throws -> ExistingJob {
        let canonical = try checkedInput(path)
        guard let existing = try await store.latestJob(forInput: canonical) else { return .none }
        switch existing.state {
        case .queued, .running, .paused:
            return .unfinished(existing)
        case .completed:
            return try await unchanged(existing).map(ExistingJob.completed) ?? .none
        case .failed, .cancelled:
            return .none
        }
    }

    /// The job `batchctl run` should run for `path`: the unfinished job of that file if there is one
    /// (a paused one is queued again), else a new job. A completed job of the unchanged file is
    /// returned as is, so running a finished file again sends nothing; `forceNew` submits anyway.
    public func findOrSubmit(
        path: String, settings: JobSettings = JobSettings(), forceNew: Bool
    ) async throws -> JobRecord {
        switch forceNew ? .none : try await existingJob(path: path) {
        case .completed(let job):
            return job
        case .unfinished(let job):
            return job.state == .paused ? try await store.requeue(job: job.id, now: clock.now) : job
        case .none:
            return try await submit(path: path, settings: settings)
        }
    }

    /// `job` when the file at its input path still holds what the job ingested, else `nil` (the
    /// file changed, is gone, or was touched before its content was ever hashed).
    ///
    /// The recorded size and modification time are enough; the recorded size under a new
    /// modification time (`touch`, a copy that lost its times) makes it hash the file, on a thread
    /// of its own, and compare with the job's whole-file hash: equal, the new time is recorded (the
    /// next look is a `stat` again) and the job is returned with it.
    public func unchanged(_ job: JobRecord) async throws -> JobRecord? {
        switch await InputCheck.check(path: job.inputPath, against: job.fingerprint, hashing: .whenTouched) {
        case .unchanged:
            return job
        case .touched(let time):
            return try await store.recordInputTouched(
                job: job.id, modificationNanoseconds: time, hash: job.fingerprint.hash ?? 0)
        case .changed:
            return nil
        }
    }

    private func checkedInput(_ path: String) throws -> String {
        let canonical = Paths.canonical(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: canonical, isDirectory: &isDirectory) else {
            throw BatchdError.inputUnreadable(path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw BatchdError.inputUnreadable(path, reason: "it is a folder, not a JSONL file")
        }
        guard access(canonical, R_OK) == 0 else {
            throw BatchdError.inputUnreadable(path, reason: "permission denied")
        }
        for suffix in [".results.jsonl", ".errors.jsonl"] where canonical.hasSuffix(suffix) {
            throw BatchdError.inputUnreadable(
                path, reason: "this is an output file of batchd (\(suffix)), not an input")
        }
        return canonical
    }
}
