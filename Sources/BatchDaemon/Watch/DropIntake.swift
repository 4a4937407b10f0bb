import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import Foundation
import Logging

/// Turns a ready file of a drop folder into a job, at most once per version of the file.
///
/// Guarantees:
/// - a symlink whose target is outside its drop folder is refused (logged, never submitted);
/// - the database is the memory: while the newest job of the file's canonical path is unfinished,
///   the file is left to it (its runner notices a change); after it finished, the file was taken
///   already (by this run or an earlier one) and is skipped when it holds the same content
///   (``Submitter/unchanged(_:)``: the same size and modification time, or the same size and
///   content hash under a new time, which is then recorded), and a changed file is a new version
///   and becomes a new job;
/// - settings come from the folder, overridden by the file's sidecar (`<stem>.job.json`/`.toml`);
///   an unreadable sidecar or a database error is ``Outcome/failed(reason:)``: nothing is queued
///   and the caller tries again later.
public struct DropIntake: Sendable {
    /// What happened to a file handed to ``take(_:in:)``.
    public enum Outcome: Sendable, Equatable {
        case submitted(jobID: Int64)
        case alreadyTaken(jobID: Int64)
        /// Never to be taken (a symlink out of the folder).
        case refused(reason: String)
        /// Not taken this time (unreadable sidecar, database error): to be tried again.
        case failed(reason: String)
    }

    public let store: Store
    public let clock: any BatchClock
    public let logger: Logger

    public init(store: Store, clock: any BatchClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Submits `path` (a file directly in `folder`) unless it was taken already.
    public func take(_ path: String, in folder: WatchedFolder) async -> Outcome {
        let canonical = Paths.canonical(path)
        guard canonical.hasPrefix(folder.path + "/") else {
            logger.warning(
                "drop file refused: symlink target outside the drop folder",
                metadata: ["file": "\(path)", "target": "\(canonical)", "folder": "\(folder.path)"])
            return .refused(reason: "symlink target outside the drop folder")
        }
        do {
            let submitter = Submitter(store: store, clock: clock)
            if let existing = try await store.latestJob(forInput: canonical) {
                // Hashed only for a finished job: an unfinished one's runner checks its input itself.
                var taken = true
                if existing.state.isFinal { taken = try await submitter.unchanged(existing) != nil }
                if taken {
                    logger.debug(
                        "drop file already taken",
                        metadata: ["file": "\(canonical)", "job": "\(existing.id)"])
                    return .alreadyTaken(jobID: existing.id)
                }
            }
            let sidecar = try readSidecar(for: path)
            let settings = folder.settings(with: sidecar)
            let job = try await submitter.submit(path: canonical, settings: settings)
            logger.info(
                "drop file queued",
                metadata: [
                    "job": "\(job.id)", "file": "\(canonical)", "endpoint": "\(job.endpoint)",
                    "priority": "\(job.priority)", "sidecar": "\(sidecar != nil)",
                ])
            return .submitted(jobID: job.id)
        } catch {
            logger.error("drop file not queued", metadata: ["file": "\(canonical)", "error": "\(error)"])
            return .failed(reason: "\(error)")
        }
    }

    private func readSidecar(for path: String) throws -> JobSettings? {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        for name in DropFileRules.sidecarNames(forInput: url.lastPathComponent) {
            let sidecarPath = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: sidecarPath) else { continue }
            return try JobSidecar.decode(String(decoding: data, as: UTF8.self), path: sidecarPath)
        }
        return nil
    }
}
