import BatchCore
import BatchThreads

/// The one commit the dispatch loop has running beside it.
///
/// The commit runs off the task threads (``OutcomeWriter/commit(_:)``) in a task of its own, so the loop goes on
/// handling answers and starting requests while the output files and the database sync. When it
/// ends, it posts the loop's ``RunEvent/committed`` event; the loop then calls ``finish(into:)``,
/// which rethrows a failed commit and counts the batch's requests as recorded. The loop starts the
/// next commit only after that, so batches are committed in the order they were taken.
///
/// The task is not a child of the loop's: it is never cancelled, so a hard stop still records the
/// batch that was being committed, and the loop always waits for it before it returns.
struct CommitInProgress {
    private let task: Task<Void, any Error>
    private let lines: Int

    /// Starts committing `batch`; `done` is called when the commit has ended, either way.
    init(_ batch: OutcomeBatch, writer: OutcomeWriter, done: @escaping @Sendable () -> Void) {
        lines = batch.finished.count - batch.reusedLines
        task = Task {
            defer { done() }
            try await writer.commit(batch)
        }
    }

    /// Waits for the commit to end; rethrows its error, or counts its requests as recorded.
    func finish(into state: inout DispatchState) async throws {
        try await task.value
        state.recorded(lines)
    }
}
