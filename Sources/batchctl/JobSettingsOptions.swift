import ArgumentParser
import BatchConfig
import BatchCore
import BatchEngine

/// The job's own settings (``JobSettings``), as options of `run` and `submit`: the same names as
/// the config keys, with dashes (`--max-attempts` for `max_attempts`).
struct JobSettingsOptions: ParsableArguments {
    @Option(help: "The endpoint to send to: a name from the config file, or 'default' (the environment's).")
    var endpoint: String = Settings.defaultEndpointName

    @Option(help: "Higher runs first when several jobs are queued.")
    var priority: Int = 0

    @Option(
        help:
            "Requests in flight at once per (endpoint, model) lane (default \(Settings.defaultConcurrency), or the config's)."
    )
    var concurrency: Int?

    @Option(help: "Requests per minute per lane (default: the config's, else learned from the server).")
    var rpm: Int?

    @Option(help: "Tokens per minute per lane, charged as the prompt estimate plus max tokens.")
    var tpm: Int?

    @Option(help: "Attempts per request before its last failure is final (default 8).")
    var maxAttempts: Int?

    @Option(help: "Seconds one attempt may take (default 600).")
    var requestTimeout: Double?

    @Option(
        help:
            "The most the job may spend, in US dollars: a request that could take it over does not start, and the job pauses (budget_reached)."
    )
    var maxCost: Double?

    @Flag(help: "Put the results and errors files in input line order once the job completes.")
    var ordered = false

    @Option(
        name: .customLong("pack"),
        help: "Embedding inputs per request at most, 1 to 2048 (default 512; 1 turns packing off).")
    var pack: Int?

    @Flag(
        inversion: .prefixedNo,
        help: """
            --cache reuses earlier answers to every identical request; --no-cache sends every line \
            (default: embeddings, moderations, and bodies with temperature 0 or a seed).
            """)
    var cache: Bool?

    @OptionGroup var offload: OffloadOptions

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if let rpm, rpm < 1 { throw ValidationError("--rpm must be at least 1") }
        if let tpm, tpm < 1 { throw ValidationError("--tpm must be at least 1") }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if let pack, !(1...2048).contains(pack) { throw ValidationError("--pack must be between 1 and 2048") }
        if let requestTimeout, requestTimeout <= 0 {
            throw ValidationError("--request-timeout must be positive")
        }
        if let maxCost, !(maxCost > 0) {
            throw ValidationError("--max-cost must be a positive number of dollars")
        }
    }

    var jobSettings: JobSettings {
        offload.applied(
            to: JobSettings(
                endpoint: endpoint, priority: priority, concurrency: concurrency, rpm: rpm, tpm: tpm,
                maxAttempts: maxAttempts, requestTimeoutSeconds: requestTimeout, maxCost: maxCost,
                ordered: ordered ? true : nil, embeddingInputsPerRequest: pack,
                cache: cache.map { $0 ? CacheMode.always : CacheMode.off }))
    }
}
