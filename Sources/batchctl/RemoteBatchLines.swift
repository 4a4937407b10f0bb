import BatchStore
import Foundation

/// One remote batch as `status --json` and `list --json` print it: the provider's id, the last
/// status seen and its `request_counts`.
struct RemoteBatchView: Codable {
    var part: Int
    var url: String
    var model: String
    var lines: Int
    var step: String
    var batchID: String?
    var status: String?
    var requestCounts: RequestCounts?

    struct RequestCounts: Codable {
        var total: Int
        var completed: Int
        var failed: Int
    }

    enum CodingKeys: String, CodingKey {
        case part, url, model, lines, step, status
        case batchID = "batch_id"
        case requestCounts = "request_counts"
    }

    init(_ batch: RemoteBatchRecord) {
        part = batch.part
        url = batch.url
        model = batch.model
        lines = batch.lines
        step = batch.step.rawValue
        batchID = batch.batchID
        status = batch.remote?.status
        requestCounts = batch.remote.map {
            RequestCounts(total: $0.total, completed: $0.completed, failed: $0.failed)
        }
    }

    /// `batches` as views, `nil` when there are none (the key is left out).
    static func list(_ batches: [RemoteBatchRecord]) -> [RemoteBatchView]? {
        batches.isEmpty ? nil : batches.map(RemoteBatchView.init)
    }
}

/// The lines `batchctl status` and `list` show for a job's remote batches (`via batch`): one per batch,
/// with the provider's id, status and `request_counts`, or the step it waits at.
enum RemoteBatchLines {
    static func describe(_ batches: [RemoteBatchRecord]) -> [String] {
        batches.map { batch in
            let label = "  batch \(batch.part):".padding(toLength: 13, withPad: " ", startingAt: 0)
            let what = "\(batch.lines) lines of \(batch.url) (\(batch.model))"
            guard let remote = batch.remote else {
                return label + "\(what), \(batch.step.rawValue)" + (batch.batchID.map { ", \($0)" } ?? "")
            }
            return label
                + "\(what), \(batch.batchID ?? "?"): \(remote.status), \(remote.completed)/\(remote.total) completed,"
                + " \(remote.failed) failed" + (batch.step == .recorded ? ", recorded" : "")
        }
    }
}
