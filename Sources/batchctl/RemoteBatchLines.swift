import BatchStore
import Foundation

/// The lines `batchctl status` shows for a job's remote batches (`via batch`): one per batch,
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
