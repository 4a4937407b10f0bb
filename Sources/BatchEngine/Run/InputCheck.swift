import BatchCore
import BatchThreads

/// Decides whether the file at a job's input path is still the file that was ingested.
///
/// Only the content decides: a file whose size and modification time are the recorded ones is
/// unchanged; one whose size differs has changed; one with the recorded size and a new
/// modification time (`touch`, a copy that lost its times) is hashed, and is the same file exactly
/// when its content hash is the whole-file hash recorded at ingest (``Verdict/touched(_:)``: the
/// caller records the new time, so the next check is a `stat` again). Without a recorded hash
/// (ingest has not reached the end), a new modification time counts as a change.
enum InputCheck {
    enum Verdict: Sendable, Equatable {
        /// Size and modification time (and the content hash, when it was computed) as recorded.
        case unchanged
        /// The recorded size and content hash under a new modification time (nanoseconds since
        /// the epoch), to be recorded.
        case touched(Int64)
        /// The file changed, or cannot be read: the job must not send from it.
        case changed(BatchdError)
    }

    /// When the check hashes the whole file.
    enum Hashing: Sendable {
        /// Always (a resumed job: a same-size edit with its time restored shows only in the hash).
        case always
        /// Only when the modification time alone differs (the checks while a job runs, and the
        /// lookups of `batchctl run` and the drop folders).
        case whenTouched
    }

    /// Compares the file at `path` with `fingerprint`, off the threads that run tasks: the `stat`
    /// on the blocking pool, the hash (seconds for gigabytes) on a thread of its own.
    static func check(path: String, against fingerprint: InputFingerprint, hashing: Hashing) async -> Verdict
    {
        let current: FileFingerprint
        do {
            current = try await BlockingWork.run { try FileFingerprint.stat(path: path) }
        } catch {
            return .changed(.inputModified(path, detail: "it can no longer be read: \(error)"))
        }
        guard current.size == fingerprint.size else {
            return .changed(.inputModified(path, detail: "size or modification time differ"))
        }
        let touched = current.mtimeNanoseconds != fingerprint.modificationNanoseconds
        guard touched || hashing == .always else { return .unchanged }
        guard let recorded = fingerprint.hash else {
            return touched
                ? .changed(.inputModified(path, detail: "size or modification time differ")) : .unchanged
        }
        let hashed: FileFingerprint
        do {
            hashed = try await BlockingWork.runOnOwnThread(name: "batchd-hash") {
                try FileFingerprint.compute(path: path)
            }
        } catch {
            return .changed(.inputModified(path, detail: "it can no longer be read: \(error)"))
        }
        // `compute` takes the time before it reads: an edit during the read leaves a newer time,
        // which the next check hashes again.
        guard hashed.size == fingerprint.size, hashed.hash == recorded else {
            return .changed(.inputModified(path, detail: "its content hash differs"))
        }
        return hashed.mtimeNanoseconds == fingerprint.modificationNanoseconds
            ? .unchanged : .touched(hashed.mtimeNanoseconds)
    }

    /// Size and modification time only, on the calling thread (ingest's, before it reads on).
    static func quickVerify(path: String, fingerprint: InputFingerprint) throws {
        let current: FileFingerprint
        do {
            current = try FileFingerprint.stat(path: path)
        } catch {
            throw BatchdError.inputModified(path, detail: "it can no longer be read: \(error)")
        }
        guard current.size == fingerprint.size,
            current.mtimeNanoseconds == fingerprint.modificationNanoseconds
        else {
            throw BatchdError.inputModified(path, detail: "size or modification time differ")
        }
    }
}
