import ArgumentParser
import BatchCore

extension Via: ExpressibleByArgument {}
extension BatchFallback: ExpressibleByArgument {}

/// The options of `run` and `submit` that choose the provider's Batch API (``Via``): a group of
/// its own inside ``JobSettingsOptions``, for the job settings `via`, `batch_max_lines`,
/// `batch_max_bytes`, `batch_poll_seconds`, `batch_fallback` and `keep_remote_files`.
struct OffloadOptions: ParsableArguments {
    @Option(
        help: """
            How lines are sent: live (default), batch (the provider's Batch API, half price, within \
            24 h), or auto (batch for what the Batch API takes, live for the rest).
            """)
    var via: Via?

    @Option(help: "At most this many lines per provider batch (default: the provider's cap).")
    var batchMaxLines: Int?

    @Option(help: "At most this many bytes per uploaded batch file (default 200 MB).")
    var batchMaxBytes: Int64?

    @Option(help: "Seconds between polls of a provider batch (default 60).")
    var batchPollInterval: Double?

    @Option(
        help: """
            Where lines a provider batch left unanswered (expired, cancelled, failed) are sent again: \
            batch (a new provider batch, the default) or live.
            """)
    var fallback: BatchFallback?

    @Flag(help: "Keep the uploaded, output and error files of ended provider batches at the provider.")
    var keepRemoteFiles = false

    func validate() throws {
        if let batchMaxLines, batchMaxLines < 1 {
            throw ValidationError("--batch-max-lines must be at least 1")
        }
        if let batchMaxBytes, batchMaxBytes < 1 {
            throw ValidationError("--batch-max-bytes must be at least 1")
        }
        if let batchPollInterval, !(batchPollInterval > 0) {
            throw ValidationError("--batch-poll-interval must be positive")
        }
    }

    /// `settings` with these options set over them.
    func applied(to settings: JobSettings) -> JobSettings {
        var settings = settings
        settings.via = via ?? settings.via
        settings.batchMaxLines = batchMaxLines ?? settings.batchMaxLines
        settings.batchMaxBytes = batchMaxBytes ?? settings.batchMaxBytes
        settings.batchPollSeconds = batchPollInterval ?? settings.batchPollSeconds
        settings.batchFallback = fallback ?? settings.batchFallback
        if keepRemoteFiles { settings.keepRemoteFiles = true }
        return settings
    }
}
