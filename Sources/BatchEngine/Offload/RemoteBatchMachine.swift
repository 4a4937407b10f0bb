import BatchCore
import BatchStore

/// The life of one remote batch, from its recorded step to its cleanup: a pure state machine.
/// The shell does each ``Action``'s remote call, records its result in the store (the crash rule
/// of `Store+RemoteBatches`: record after each remote step), and hands the answer back as an
/// ``Event``; the machine answers with the next action.
///
/// Guarantees:
/// - Resumed from `uploaded` (a crash may have come between creating the batch and recording
///   it), the first action is ``Action/findByTag(_:)``, never ``Action/create(inputFileID:tag:)``;
///   a batch is created only after a search found no batch with the tag.
/// - Polls are at least the poll interval apart; after a 429 or a failed poll the wait doubles
///   (up to ``maximumPollWait``) and is never shorter than the server's `Retry-After`.
/// - Input files are deleted once the batch ended and output files once recorded, unless kept.
public struct RemoteBatchMachine: Sendable {
    public enum Action: Sendable, Equatable {
        /// Upload the part's input file; answer ``Event/uploaded(fileID:)``.
        case upload
        /// List the provider's batches for one whose metadata carries `tag`; answer ``Event/found(batchID:)``.
        case findByTag(String)
        /// Wait `wait`, then search for `tag` again; answer ``Event/found(batchID:)``. Resumed from
        /// `uploaded`, a search that found nothing is repeated once after a settle: a create the
        /// crashed process had in flight may still be completing at the provider.
        case settleThenFind(String, wait: Duration)
        /// Create the batch with `tag` in its metadata; answer ``Event/created(batchID:)``.
        case create(inputFileID: String, tag: String)
        /// Retrieve the batch after `wait`; answer ``Event/polled(_:)`` or ``Event/pollFailed(retryAfter:)``.
        case poll(batchID: String, wait: Duration)
        /// Download and record the answers (either file may be absent); answer ``Event/recorded``.
        case record(outputFileID: String?, errorFileID: String?)
        /// Delete these remote files; answer ``Event/cleanedUp``.
        case delete(fileIDs: [String])
        /// Nothing is left to do.
        case done
    }

    public enum Event: Sendable, Equatable {
        case uploaded(fileID: String)
        case found(batchID: String?)
        case created(batchID: String)
        case polled(RemoteBatchStatus)
        /// A poll got a 429 or failed to reach the provider.
        case pollFailed(retryAfter: Duration?)
        case recorded
        case cleanedUp
    }

    /// The longest wait between two polls after repeated failures.
    public static let maximumPollWait: Duration = .seconds(900)

    private var record: RemoteBatchRecord
    private let pollInterval: Duration
    private let keepRemoteFiles: Bool
    private var failedPolls = 0
    private var cleaned = false
    /// Whether it was resumed at `uploaded` and has not yet searched again after the settle.
    private var mustSettle: Bool

    /// How long a resumed search waits before its second look: at least this, or the poll interval.
    public static let minimumSettle: Duration = .seconds(2)

    public init(record: RemoteBatchRecord, pollInterval: Duration, keepRemoteFiles: Bool = false) {
        self.record = record
        self.pollInterval = pollInterval
        self.keepRemoteFiles = keepRemoteFiles
        mustSettle = record.step == .uploaded
    }

    /// The action to start (or resume) with, from the recorded step.
    public var firstAction: Action {
        switch record.step {
        case .planned: .upload
        case .uploaded: .findByTag(record.tag)
        case .created: .poll(batchID: record.batchID ?? "", wait: .zero)
        case .ended:
            .record(outputFileID: record.remote?.outputFileID, errorFileID: record.remote?.errorFileID)
        case .recorded: cleanup()
        }
    }

    /// The next action after `event`.
    public mutating func handle(_ event: Event) -> Action {
        switch event {
        case .uploaded(let fileID):
            record.inputFileID = fileID
            record.step = .uploaded
            // A fresh upload has no batch yet; but asking costs one list and keeps one rule.
            return .findByTag(record.tag)
        case .found(let batchID?), .created(let batchID):
            record.batchID = batchID
            record.step = .created
            return .poll(batchID: batchID, wait: .zero)
        case .found(nil):
            if mustSettle {
                mustSettle = false
                return .settleThenFind(record.tag, wait: max(pollInterval, Self.minimumSettle))
            }
            return .create(inputFileID: record.inputFileID ?? "", tag: record.tag)
        case .polled(let status):
            failedPolls = 0
            record.remote = status
            guard status.isFinal else { return .poll(batchID: record.batchID ?? "", wait: pollInterval) }
            record.step = .ended
            return .record(outputFileID: status.outputFileID, errorFileID: status.errorFileID)
        case .pollFailed(let retryAfter):
            failedPolls += 1
            var wait = pollInterval
            for _ in 0..<min(failedPolls, 16) where wait < Self.maximumPollWait { wait *= 2 }
            wait = min(wait, Self.maximumPollWait)
            if let retryAfter, retryAfter > wait { wait = retryAfter }
            return .poll(batchID: record.batchID ?? "", wait: wait)
        case .recorded:
            record.step = .recorded
            return cleanup()
        case .cleanedUp:
            cleaned = true
            return .done
        }
    }

    private func cleanup() -> Action {
        guard !keepRemoteFiles, !cleaned else { return .done }
        let files = [record.inputFileID, record.remote?.outputFileID, record.remote?.errorFileID].compactMap {
            $0
        }
        return files.isEmpty ? .done : .delete(fileIDs: files)
    }
}
