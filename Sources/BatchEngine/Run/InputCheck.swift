import BatchCore

/// Verifies, before a resumed job sends anything, that its input is the file that was ingested.
enum InputCheck {
    /// Size, modification time and, when the hash is known, the content hash.
    static func verify(_ job: JobRecord) throws {
        let path = job.inputPath
        try quickVerify(path: path, fingerprint: job.fingerprint)
        guard let recorded = job.fingerprint.hash else { return }
        let hashed = try FileFingerprint.compute(path: path)
        guard hashed.hash == recorded else {
            throw BatchdError.inputModified(path, detail: "its content hash differs")
        }
    }

    /// Size and modification time only: cheap enough to repeat while a job runs.
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
