/// An error batchd reports to a user: a stable short code (for the errors file, the database and
/// logs) and a message that says what was being done, on which file and line, and what to do.
public struct BatchdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable short code, e.g. `input_modified`: what `jobs.state_code` stores and `batchctl status`
    /// shows. Compared as a typed value (`error.code == .jobBusy`), never as a string.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let configuration = Code(rawValue: "configuration_error")
        public static let inputUnreadable = Code(rawValue: "input_unreadable")
        public static let inputModified = Code(rawValue: "input_modified")
        public static let outputUnwritable = Code(rawValue: "output_unwritable")
        public static let database = Code(rawValue: "database_error")
        public static let jobNotFound = Code(rawValue: "job_not_found")
        public static let insufficientQuota = Code(rawValue: "insufficient_quota")
        public static let jobBusy = Code(rawValue: "job_busy")
        /// A failure of no known kind ended the run.
        public static let runError = Code(rawValue: "run_error")
        /// Every request in a row was refused or could not be resolved: the endpoint is down.
        public static let endpointUnreachable = Code(rawValue: "endpoint_unreachable")
        /// The endpoint's credential cannot be had (the token endpoint refused or did not answer),
        /// or the endpoint refused a freshly fetched token.
        public static let authFailed = Code(rawValue: "auth_failed")
        /// A user paused the job (`batchctl pause`).
        public static let pausedByUser = Code(rawValue: "paused_by_user")
        /// A user cancelled the job (`batchctl cancel`); also the code of each line it left unanswered.
        public static let cancelled = Code(rawValue: "cancelled")
        /// The job's next request could take its spend over its cap (`--max-cost`).
        public static let budgetReached = Code(rawValue: "budget_reached")
    }

    public let code: Code
    /// What happened and what to do about it. Never contains a credential.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The endpoint configuration is missing or unusable; the message names the variable or key.
    public static func configuration(_ message: String) -> BatchdError { .init(.configuration, message) }
    /// An input file cannot be opened or read.
    public static func inputUnreadable(_ path: String, reason: String) -> BatchdError {
        .init(.inputUnreadable, "\(path): cannot read the input file: \(reason)")
    }
    /// An input file changed after it was submitted: sending would use wrong bodies.
    public static func inputModified(_ path: String, detail: String) -> BatchdError {
        .init(
            .inputModified,
            "\(path): the input file changed after it was submitted (\(detail)); the job stopped rather than"
                + " send wrong bodies. Restore the file, or submit it again as a new job")
    }
    /// An output file cannot be written.
    public static func outputUnwritable(_ path: String, reason: String) -> BatchdError {
        .init(.outputUnwritable, "\(path): cannot write the output file: \(reason)")
    }
    /// A database operation failed.
    public static func database(_ message: String) -> BatchdError { .init(.database, message) }
    /// No job has this id.
    public static func jobNotFound(_ id: Int64) -> BatchdError { .init(.jobNotFound, "no job with id \(id)") }
    /// The provider says the account is out of quota.
    public static func insufficientQuota(_ message: String) -> BatchdError {
        .init(.insufficientQuota, message)
    }
    /// No request of job `id` reaches endpoint `endpoint`: `count` in a row were refused or found
    /// no host, the last one saying `detail` (which names host and port). Its requests stay pending.
    public static func endpointUnreachable(_ endpoint: String, job id: Int64, count: Int, detail: String)
        -> BatchdError
    {
        .init(
            .endpointUnreachable,
            "endpoint \(JSONEscaping.quoted(endpoint)) cannot be reached: \(detail) (\(count) requests in a row,"
                + " none answered). The job is paused with its requests still pending: check the endpoint's"
                + " URL and that its server is up, then run `batchctl resume \(id)`")
    }
    /// Job `id` cannot authenticate to endpoint `endpoint`: `detail` names the credential source
    /// and what it answered (Entra's `AADSTS…` code and text), never a token or secret. Its requests
    /// stay pending.
    public static func authFailed(_ endpoint: String, job id: Int64, detail: String) -> BatchdError {
        .init(
            .authFailed,
            "endpoint \(JSONEscaping.quoted(endpoint)) cannot authenticate: \(detail). The job is paused with its"
                + " requests still pending: fix the credential, then run"
                + " `batchctl resume \(id)`")
    }
    /// Another live process runs this job.
    public static func jobBusy(_ id: Int64, pid: Int32) -> BatchdError {
        .init(.jobBusy, "job \(id) is being run by another process (pid \(pid)); wait for it or stop it")
    }
    /// A user paused job `id`; `batchctl resume` continues it.
    public static func pausedByUser(_ id: Int64) -> BatchdError {
        .init(.pausedByUser, "paused by the user (batchctl pause); run `batchctl resume \(id)` to continue")
    }
    /// A user cancelled job `id`.
    public static func cancelled(_ id: Int64) -> BatchdError {
        .init(.cancelled, "cancelled by the user (batchctl cancel)")
    }
    /// Job `id` stopped before a request that could take its spend over `cap` (US dollars).
    public static func budgetReached(_ id: Int64, cap: Double, spent: Double, reserved: Double, next: Double)
        -> BatchdError
    {
        .init(
            .budgetReached,
            "spent $\(dollars(spent)) of the $\(dollars(cap)) cap (reconciled from the answers' usage), $\(dollars(reserved))"
                + " more in flight; the next request could cost up to $\(dollars(next)). Raise the cap to go on:"
                + " `batchctl resume \(id) --max-cost USD`")
    }
    /// Job `id` has a spending cap but a request to `model`, which has no price, cannot be checked.
    public static func budgetUnpriced(_ id: Int64, model: String) -> BatchdError {
        .init(
            .budgetReached,
            "model \(JSONEscaping.quoted(model)) has no price per token, so the job's --max-cost cannot be checked"
                + " for it (audio priced per minute cannot be estimated before sending): add its prices to the"
                + " config's prices, then `batchctl resume \(id)`")
    }
    static func dollars(_ value: Double) -> String {
        let cents = (value * 10_000).rounded() / 10_000
        return "\(cents)"
    }
    /// A failure of no known kind (the message is the error's own description).
    public static func runError(_ message: String) -> BatchdError { .init(.runError, message) }
}
