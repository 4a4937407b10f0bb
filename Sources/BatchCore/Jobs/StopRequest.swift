/// What a user asked of a job that another process may be running (`batchctl pause`,
/// `batchctl cancel`): stored on the job's row, where the process running it looks for it
/// (``JobRunner``) at least every quarter of a second.
public enum StopRequest: String, Sendable, Codable, CaseIterable {
    /// Start no new request, await and record those in flight, then pause (`paused_by_user`).
    case pause
    /// As `pause`, then give every line without an outcome an error line with code `cancelled`,
    /// write the report, and end the job (`cancelled`).
    case cancel
}
