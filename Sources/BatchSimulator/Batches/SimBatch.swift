import NIOCore

/// An uploaded or generated file held by the simulator.
struct SimFile: Sendable {
    var id: String
    var filename: String
    var purpose: String
    var bytes: [UInt8]
    var createdAt: Int
}

/// One batch: what it was created with, what its processing produced, and its clock.
struct SimBatch: Sendable {
    var id: String
    var endpoint: String
    var inputFileID: String
    var completionWindow: String
    var metadata: [(String, String)]
    var createdAt: Int
    /// When the batch was created, on the monotonic clock that drives its phases.
    var started: NIODeadline
    /// The processing result, decided at creation and revealed when the batch ends.
    var result: BatchProcessing.Result
    /// Unix seconds of a cancel request that came before the batch ended.
    var cancelledAt: Int?

    /// The Batch API status at `now`, given `processingTime`.
    func status(at now: NIODeadline, processingTime: Duration) -> String {
        if cancelledAt != nil { return "cancelled" }
        let elapsed = (now - started).nanoseconds
        let total = TimeAmount(processingTime).nanoseconds
        if elapsed < total / 3 { return "validating" }
        if case .failed = result { return "failed" }
        if elapsed < total * 2 / 3 { return "in_progress" }
        if elapsed < total { return "finalizing" }
        return result.finalStatus
    }
}
