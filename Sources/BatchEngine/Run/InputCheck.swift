import BatchCore

/// Verifies, before a resumed job sends anything, that its input is the file that was ingested.
enum InputCheck {
    static func verify(_ job: JobRecord) throws {
        let path = job.inputPath
        let current: FileFingerprint
        do {
            current = try FileFingerprint.stat(path: path)
        } catch {
            throw BatchdError.inputModified(path, detail: "it can no longer be read: \(error)")
        }
        guard current.size == job.fingerprint.size,
            current.mtimeNanoseconds == job.fingerprint.modificationNanoseconds
        else {
            throw BatchdError.inputModified(path, detail: "size or modification time differ")
        }
        guard let recorded = job.fingerprint.hash else { return }
        let hashed = try FileFingerprint.compute(path: path)
        guard hashed.hash == recorded else {
            throw BatchdError.inputModified(path, detail: "its content hash differs")
        }
    }
}
