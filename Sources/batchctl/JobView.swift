import BatchCore
import BatchEngine
import Foundation

/// A job as `list`, `status` and `run --json` show it.
struct JobView: Codable {
    var id: Int64
    var input: String
    var endpoint: String
    var priority: Int
    var state: String
    var stateCode: String?
    var stateReason: String?
    var requests: Int
    var pending: Int
    var succeeded: Int
    var failed: Int
    var rejected: Int
    var attempts: Int
    var throttled: Int
    var ingested: Bool
    var outputs: Outputs
    var createdAt: String
    var ownerPid: Int32?
    /// The job's provider batches (`via batch`), when it has any.
    var remoteBatches: [RemoteBatchView]?

    struct Outputs: Codable {
        var results: String
        var errors: String
        var report: String
    }

    enum CodingKeys: String, CodingKey {
        case id, input, endpoint, priority, state, requests, pending, succeeded, failed, rejected, attempts,
            throttled
        case ingested, outputs
        case stateCode = "state_code"
        case stateReason = "state_reason"
        case createdAt = "created_at"
        case ownerPid = "owner_pid"
        case remoteBatches = "remote_batches"
    }

    init(_ job: JobRecord) {
        let files = OutputFiles(input: job.inputPath)
        id = job.id
        input = job.inputPath
        endpoint = job.endpoint
        priority = job.priority
        state = job.state.rawValue
        stateCode = job.stateCode?.rawValue
        stateReason = job.stateReason
        requests = job.counts.requests
        pending = job.counts.pending
        succeeded = job.counts.succeeded
        failed = job.counts.failed
        rejected = job.counts.rejected
        attempts = job.counts.attempts
        throttled = job.counts.throttled
        ingested = job.ingest.done
        outputs = Outputs(results: files.results, errors: files.errors, report: files.report)
        createdAt = Date(timeIntervalSince1970: Double(job.createdAt.milliseconds) / 1000).formatted(.iso8601)
        ownerPid = job.state == .running ? job.owner?.pid : nil
    }
}

enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
