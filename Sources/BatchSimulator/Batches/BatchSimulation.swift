/// How the simulator's Batch API (`files` and `batches` routes) behaves.
///
/// Batches advance by wall time since their creation: `validating` for the first third of
/// ``processingTime``, `in_progress` for the second, `finalizing` for the last, then their final
/// status; with the default of zero a batch has ended by the first retrieve after its creation.
public struct BatchSimulation: Sendable, Equatable {
    /// How long a batch takes from creation to its final status.
    public var processingTime: Duration = .zero
    /// When true every batch ends `expired`: the first ``answeredShareOnExpiry`` of its lines are
    /// answered in the output file, the rest are in the error file with code `batch_expired`.
    public var expire: Bool = false
    /// The share (0…1) of lines answered before an expiry.
    public var answeredShareOnExpiry: Double = 0.5
    /// The share (0…1) of lines that fail with a 500 `server_error` in the error file; chosen
    /// deterministically by each line's `custom_id`, so the same line always fails.
    public var lineFailureRate: Double = 0
    /// The share (0…1) of lines refused by validation (`invalid_request`, with their line number),
    /// which fails the whole batch; chosen by `custom_id` like ``lineFailureRate``, so a batch of
    /// the other lines passes.
    public var validationFailureRate: Double = 0

    /// Batches end immediately, nothing expires, no line fails.
    public init() {}
}
