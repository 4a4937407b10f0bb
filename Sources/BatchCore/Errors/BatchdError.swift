/// An error batchd reports to a user: a stable short code (for the errors file, the database and
/// logs) and a message that says what was being done, on which file and line, and what to do.
public struct BatchdError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case configuration = "configuration_error"
        case inputUnreadable = "input_unreadable"
        case inputModified = "input_modified"
        case outputUnwritable = "output_unwritable"
        case database = "database_error"
        case jobNotFound = "job_not_found"
        case insufficientQuota = "insufficient_quota"
        case jobBusy = "job_busy"
    }

    private let code: Code
    /// What happened and what to do about it. Never contains a credential.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The stable short code, e.g. `input_modified`.
    public var shortCode: String { code.rawValue }

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
    /// Another live process runs this job.
    public static func jobBusy(_ id: Int64, pid: Int32) -> BatchdError {
        .init(.jobBusy, "job \(id) is being run by another process (pid \(pid)); wait for it or stop it")
    }
}
