import ArgumentParser
import BatchCommandLine
import BatchSimulator
import Foundation
import UnixSignals

/// `batchd-sim`: runs the OpenAI/Azure-compatible simulator until SIGINT or SIGTERM.
///
/// Prints exactly one line, `batchd-sim listening on http://HOST:PORT`, once listening, and writes
/// the port to `--port-file` if given, so scripts can start it with `--port 0`.
struct BatchdSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchd-sim",
        abstract: "A fast OpenAI / Azure OpenAI compatible HTTP simulator for tests and benchmarks.")

    @Option(help: "Loopback address to bind (127.0.0.0/8, ::1 or localhost).")
    var host = "127.0.0.1"
    @Option(help: "Port to bind; 0 picks a free port.")
    var port = 8080
    @Option(help: "Write the bound port to this file once listening.")
    var portFile: String?
    @Option(help: "Require this key in `api-key` or `Authorization: Bearer`.")
    var apiKey: String?
    @Option(help: "Latency added to each answer, in milliseconds.")
    var latencyMs: Int = 0
    @Option(help: "Uniform extra latency 0...N milliseconds.")
    var latencyJitterMs: Int = 0
    @Option(help: "Requests per minute per deployment.")
    var rpm: Int?
    @Option(help: "Tokens per minute per deployment.")
    var tpm: Int?
    @Option(
        help: "Seconds' worth each rate-limit bucket holds, full at start (1: Azure; 60: OpenAI's minute).")
    var burstSeconds: Double = 1
    @Option(help: "How latency grows with load: fixed, batching or plateau.")
    var serverModel: String = "fixed"
    @Option(help: "batching: latency added per request in the batch, in milliseconds.")
    var perRequestMs: Double = 2
    @Option(help: "batching: the most requests served in one batch.")
    var maxBatch: Int = 64
    @Option(help: "plateau: requests served at once (the rest queue).")
    var slots: Int = 16
    @Option(name: .customLong("fault-500"), help: "Probability of a 500 answer.")
    var fault500: Double = 0
    @Option(name: .customLong("fault-503"), help: "Probability of a 503 answer.")
    var fault503: Double = 0
    @Option(help: "Probability of dropping the connection.")
    var faultDrop: Double = 0
    @Option(help: "Probability of hanging the request.")
    var faultHang: Double = 0
    @Option(help: "Probability of a truncated JSON body.")
    var faultMalformed: Double = 0
    @Option(
        name: .customLong("fault-429"),
        help: "Probability of a random 429 worded as a rate limit (retry-after: 1).")
    var fault429: Double = 0
    @Option(
        name: .customLong("fault-429-capacity"),
        help: "Probability of a capacity 429 (high demand; retry-after: 1).")
    var fault429Capacity: Double = 0
    @Option(help: "How long a hung request is held, in seconds.")
    var hangSeconds: Double = 3600
    @Option(help: "Default embedding vector length.")
    var embeddingDimensions: Int = 8
    @Option(help: "Embedding inputs over this many tokens (characters / 4) are refused with a 400.")
    var maxInputTokens: Int = 8192
    @Option(help: "429 flavour: azure or openai.")
    var style: String = "azure"
    @OptionGroup(title: "Microsoft Entra ID") var entra: EntraOptions
    @OptionGroup(title: "Batch API (files and batches)") var batches: BatchOptions

    func validate() throws {
        guard Self.isLoopback(host) else {
            throw ValidationError(
                "--host must be a loopback address (127.0.0.0/8, ::1 or localhost), got '\(host)'.")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535.") }
        for (name, rate) in [
            ("--fault-500", fault500), ("--fault-503", fault503), ("--fault-drop", faultDrop),
            ("--fault-hang", faultHang), ("--fault-malformed", faultMalformed), ("--fault-429", fault429),
            ("--fault-429-capacity", fault429Capacity),
        ] where !(0...1).contains(rate) {
            throw ValidationError("\(name) must be between 0 and 1.")
        }
        guard RateLimitStyle(rawValue: style.lowercased()) != nil else {
            throw ValidationError("--style must be azure or openai.")
        }
        guard latencyMs >= 0, latencyJitterMs >= 0, hangSeconds >= 0, embeddingDimensions > 0 else {
            throw ValidationError("Latencies and --hang-seconds must be ≥ 0, --embedding-dimensions > 0.")
        }
        if let rpm, rpm <= 0 { throw ValidationError("--rpm must be positive.") }
        guard burstSeconds > 0 else { throw ValidationError("--burst-seconds must be positive.") }
        guard ["fixed", "batching", "plateau"].contains(serverModel) else {
            throw ValidationError("--server-model must be fixed, batching or plateau.")
        }
        guard perRequestMs >= 0, maxBatch > 0, slots > 0 else {
            throw ValidationError("--per-request-ms must be >= 0, --max-batch and --slots > 0.")
        }
        if let tpm, tpm <= 0 { throw ValidationError("--tpm must be positive.") }
        if entra.tokenLifetime <= 0 { throw ValidationError("--token-lifetime must be positive.") }
        guard maxInputTokens > 0 else { throw ValidationError("--max-input-tokens must be positive.") }
        try batches.validate()
    }

    /// Whether `host` is `localhost`, `::1` or an IPv4 address in 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { UInt8($0) != nil }
    }

    func run() async throws {
        // Trapped before the server starts: a signal that arrives while it starts is not lost.
        let signals = await TerminationSignals.trap()
        var configuration = SimulatorConfiguration()
        configuration.host = host == "[::1]" ? "::1" : host
        configuration.port = port
        configuration.apiKey = apiKey
        configuration.latency = .milliseconds(latencyMs)
        configuration.latencyJitter = .milliseconds(latencyJitterMs)
        configuration.rpm = rpm
        configuration.tpm = tpm
        configuration.burstSeconds = burstSeconds
        switch serverModel {
        case "batching":
            configuration.serverModel = .batching(
                perRequest: .nanoseconds(Int64(perRequestMs * 1_000_000)), maxBatch: maxBatch)
        case "plateau": configuration.serverModel = .plateau(slots: slots)
        default: configuration.serverModel = .fixed
        }
        configuration.faults = FaultRates(
            serverError500: fault500, serverError503: fault503, dropConnection: faultDrop, hang: faultHang,
            malformedJSON: faultMalformed, random429: fault429, capacity429: fault429Capacity)
        configuration.hangDuration = .milliseconds(Int64(hangSeconds * 1000))
        configuration.embeddingDimensions = embeddingDimensions
        configuration.maxInputTokens = maxInputTokens
        configuration.rateLimitStyle = RateLimitStyle(rawValue: style.lowercased()) ?? .azure
        configuration.entra = try entra.simulation()
        configuration.batches = batches.simulation

        let simulator = Simulator(configuration: configuration)
        let boundPort = try await simulator.start()
        if let portFile {
            try String(boundPort).write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        let shownHost = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        FileHandle.standardOutput.write(
            Data("batchd-sim listening on http://\(shownHost):\(boundPort)\n".utf8))
        var stops = signals.makeAsyncIterator()
        _ = await stops.next()
        try await simulator.shutdown()
    }
}
