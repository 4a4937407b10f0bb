import BatchCore
import BatchStore
import Foundation

/// The `<stem>.report.json` written beside the input when a job completes.
public struct JobReport: Codable, Sendable, Equatable {
    public var job: Int64
    public var input: String
    public var endpoint: String
    public var state: String
    /// Non-blank input lines: `requests` + `rejected`.
    public var lines: Int
    public var requests: Int
    public var succeeded: Int
    public var failed: Int
    public var rejected: Int
    /// HTTP attempts, retries included.
    public var attempts: Int
    public var retries: Int
    /// 429 answers received.
    public var throttled: Int
    public var tokens: [String: ModelTokens]
    /// Time spent running, summed over every run of the job.
    public var wallSeconds: Double
    public var requestsPerSecond: Double
    public var startedAt: String?
    public var finishedAt: String?

    /// Per model, estimated tokens / reported total tokens, rounded to 0.001 (see ``ModelTokens``):
    /// above 1 the tokens-per-minute budget was charged more than was used (safe, but slower when
    /// TPM binds); below 1 it was charged less (429s likely when TPM binds).
    public var estimateRatio: [String: Double]

    /// Added from the job's ``RunStats`` and the price table (see ``JobReport/add(stats:usage:prices:)``);
    /// `nil` in a report written without them.
    public var lanes: [String: LaneReport]?
    /// Per model, the cost of the answers sent live (tier `live`); see ``batchCost`` for the rest.
    public var cost: [String: ModelCost]?
    /// Per model, the cost of the answers that came through the provider's Batch API, at the
    /// batch price (tier `batch`); `nil` when no line went that way.
    public var batchCost: [String: ModelCost]?
    /// The part of ``tokens`` answered through the Batch API, per model; `nil` when none was.
    public var batchTokens: [String: ModelTokens]?
    /// How many answered lines went each way (`live`, `batch`).
    public var linesByTier: LinesByTier?
    public var time: TimeSplit?
    public var timeline: [TimelinePoint]?
    /// Lines answered without sending (the answer cache, or another line of the job): ``CacheReport``.
    public var cache: CacheReport?

    /// Tokens summed over one model's answers (all integers), beside what batchd estimated before
    /// sending them: `estimatedTokens` is what the lane charged its tokens-per-minute budget for
    /// the succeeded requests (prompt estimate + the answer's limit × n, as Azure charges on arrival).
    public struct ModelTokens: Codable, Sendable, Equatable {
        public var requests: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var totalTokens: Int
        public var estimatedTokens: Int

        enum CodingKeys: String, CodingKey {
            case requests
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case estimatedTokens = "estimated_tokens"
        }
    }

    enum CodingKeys: String, CodingKey {
        case job, input, endpoint, state, lines, requests, succeeded, failed, rejected, attempts, retries,
            throttled
        case tokens
        case estimateRatio = "estimate_ratio"
        case wallSeconds = "wall_seconds"
        case requestsPerSecond = "requests_per_second"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case lanes, cost, time, timeline, cache
        case batchCost = "batch_cost"
        case batchTokens = "batch_tokens"
        case linesByTier = "lines_by_tier"
    }

    /// Answered lines (succeeded or failed) per way they were sent.
    public struct LinesByTier: Codable, Sendable, Equatable {
        public var live: Int
        public var batch: Int

        public init(live: Int, batch: Int) {
            self.live = live
            self.batch = batch
        }
    }

    public init(job: JobRecord, usage: [ModelUsage], estimated: [String: Int] = [:]) {
        let counts = job.counts
        let seconds = Double(job.runMilliseconds) / 1000
        self.job = job.id
        self.input = job.inputPath
        self.endpoint = job.endpoint
        self.state = job.state.rawValue
        self.lines = counts.requests + counts.rejected
        self.requests = counts.requests
        self.succeeded = counts.succeeded
        self.failed = counts.failed
        self.rejected = counts.rejected
        self.attempts = counts.attempts
        self.retries = max(0, counts.attempts - counts.succeeded - counts.failed)
        self.throttled = counts.throttled
        self.tokens = Dictionary(
            uniqueKeysWithValues: usage.map {
                (
                    $0.model,
                    ModelTokens(
                        requests: $0.requests, promptTokens: $0.usage.promptTokens,
                        completionTokens: $0.usage.completionTokens, totalTokens: $0.usage.totalTokens,
                        estimatedTokens: estimated[$0.model] ?? 0)
                )
            })
        self.estimateRatio = Dictionary(
            uniqueKeysWithValues: usage.compactMap { model in
                guard model.usage.totalTokens > 0, let estimate = estimated[model.model] else { return nil }
                return (
                    model.model, (Double(estimate) / Double(model.usage.totalTokens) * 1000).rounded() / 1000
                )
            })
        self.wallSeconds = seconds
        self.requestsPerSecond = seconds > 0 ? Double(counts.succeeded + counts.failed) / seconds : 0
        self.startedAt = job.startedAt.map(Self.iso8601)
        self.finishedAt = job.finishedAt.map(Self.iso8601)
    }

    /// Writes the report to `path` atomically (a temporary file renamed into place).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BatchdError.outputUnwritable(path, reason: error.localizedDescription)
        }
    }

    static func iso8601(_ time: Timestamp) -> String {
        let date = Date(timeIntervalSince1970: Double(time.milliseconds) / 1000)
        return date.formatted(.iso8601)
    }
}
