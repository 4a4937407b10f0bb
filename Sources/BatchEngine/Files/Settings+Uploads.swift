import BatchConfig

extension Settings {
    /// The files requests may upload: the config's `allowed_file_roots` and `max_upload_bytes`
    /// (default 25 MiB), on top of each job's own folder.
    public var uploadPolicy: UploadPolicy {
        UploadPolicy(
            allowedRoots: file.allowedFileRoots ?? [],
            maxBytes: file.maxUploadBytes.map { max(0, $0) } ?? UploadPolicy.defaultMaxBytes)
    }
}
