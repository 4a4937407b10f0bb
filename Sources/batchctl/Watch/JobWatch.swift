import BatchCore
import BatchEngine
import BatchStore

/// One job as `batchctl watch` follows it: its last-read row, its rates over the last 30 s and
/// its error lines by code.
struct JobWatch {
    static let window: Duration = .seconds(30)

    let id: Int64
    private(set) var job: JobRecord?
    private(set) var tokens = 0
    private var lines = SlidingRate(window: JobWatch.window)
    private var tokenRate = SlidingRate(window: JobWatch.window)
    private var errors: ErrorTally?

    init(id: Int64) {
        self.id = id
    }

    /// Reads the job again (a row, its usage rows, and the error lines committed since last time).
    mutating func refresh(store: Store, now: Timestamp) async throws {
        let (job, usage) = try await store.progress(job: id)
        self.job = job
        tokens = usage.map(\.usage.totalTokens).reduce(0, +)
        lines.add(Double(job.counts.succeeded + job.counts.failed), at: now)
        tokenRate.add(Double(tokens), at: now)
        var tally = errors ?? ErrorTally(path: OutputFiles(input: job.inputPath).errors)
        try? tally.update(committedBytes: job.committedOutput.errorsBytes)
        errors = tally
    }

    /// Whether the job has stopped for good or waits for a user: watch stops following it.
    var ended: Bool {
        guard let job else { return false }
        return !job.state.isRunnable
    }

    /// What `run` would exit with for the job as it ended.
    var exitStatus: ExitStatus {
        guard let job else { return .success }
        switch job.state {
        case .completed: return job.counts.failed + job.counts.rejected > 0 ? .someLinesFailed : .success
        case .paused, .cancelled, .failed: return .jobStopped
        case .queued, .running: return .success
        }
    }

    var view: WatchView {
        let counts = job?.counts ?? JobCounts()
        let rate = lines.perSecond
        let pending = Double(counts.pending)
        return WatchView(
            job: id, state: job?.state.rawValue ?? "unknown", stateCode: job?.stateCode?.rawValue,
            done: counts.succeeded + counts.failed, total: counts.requests, rejected: counts.rejected,
            linesPerSecond: rate.map { ($0 * 10).rounded() / 10 },
            etaSeconds: rate.flatMap { $0 > 0 ? Int((pending / $0).rounded()) : nil },
            tokensPerMinute: tokenRate.perSecond.map { Int(($0 * 60).rounded()) },
            throttled: counts.throttled,
            errors: errors?.counts ?? [:])
    }
}

/// One job's line of `batchctl watch --json` (one JSON object per job per interval).
struct WatchView: Encodable, Equatable {
    var job: Int64
    var state: String
    var stateCode: String?
    var done: Int
    var total: Int
    var rejected: Int
    /// Requests recorded per second over the last 30 s (`null` before two samples).
    var linesPerSecond: Double?
    var etaSeconds: Int?
    var tokensPerMinute: Int?
    /// 429 answers received.
    var throttled: Int
    /// Error lines by code (rejected lines included).
    var errors: [String: Int]

    enum CodingKeys: String, CodingKey {
        case job, state, done, total, rejected, throttled, errors
        case stateCode = "state_code"
        case linesPerSecond = "lines_per_second"
        case etaSeconds = "eta_seconds"
        case tokensPerMinute = "tokens_per_minute"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(job, forKey: .job)
        try c.encode(state, forKey: .state)
        try c.encode(stateCode, forKey: .stateCode)
        try c.encode(done, forKey: .done)
        try c.encode(total, forKey: .total)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(linesPerSecond, forKey: .linesPerSecond)
        try c.encode(etaSeconds, forKey: .etaSeconds)
        try c.encode(tokensPerMinute, forKey: .tokensPerMinute)
        try c.encode(throttled, forKey: .throttled)
        try c.encode(errors, forKey: .errors)
    }

    /// The plain line: `job 7 running 1234/10000 52.3 lines/s ETA 2m48s 12345 tokens/min 429s 3 errors timeout 2`.
    var text: String {
        var line = "job \(job) \(state)\(stateCode.map { " (\($0))" } ?? "")  \(done)/\(total)"
        line += "  " + (linesPerSecond.map { "\($0) lines/s" } ?? "- lines/s")
        line += "  ETA " + (etaSeconds.map { ProgressDisplay.duration(Double($0)) } ?? "-")
        line += "  " + (tokensPerMinute.map { "\($0) tokens/min" } ?? "- tokens/min")
        line += "  429s \(throttled)"
        if !errors.isEmpty {
            line +=
                "  errors "
                + errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        return line
    }
}
