import BatchCore

/// How far a remote batch got, as recorded. Each step is recorded only after its remote effect
/// is known, and the intent (``planned``) before any remote call.
public enum RemoteBatchStep: String, Sendable, Equatable, CaseIterable {
    /// Recorded with its lines and tag; nothing known to exist remotely.
    case planned
    /// Its input file is uploaded (``RemoteBatchRecord/inputFileID``); no batch known.
    case uploaded
    /// The provider batch exists (``RemoteBatchRecord/batchID``); being polled.
    case created
    /// The batch reached a final status; its output and error files are to be recorded.
    case ended
    /// Every answer it had is recorded; its unanswered lines were released.
    case recorded
}

/// The lines and request of one remote batch about to be recorded (``Store/planRemoteBatch(job:_:now:)``).
public struct RemoteBatchPlan: Sendable, Equatable {
    /// The operation path every line has (`chat/completions`), and their model (deployment on Azure).
    public var url: String
    public var model: String
    /// The input lines it takes, each pending and in no other remote batch.
    public var lines: [Int]
    /// The upload's length and a hash of its bytes (hex), part of the tag.
    public var bytes: Int64
    public var contentHash: String

    public init(url: String, model: String, lines: [Int], bytes: Int64, contentHash: String) {
        self.url = url
        self.model = model
        self.lines = lines
        self.bytes = bytes
        self.contentHash = contentHash
    }
}

/// What the provider last said of a batch.
public struct RemoteBatchStatus: Sendable, Equatable {
    public var status: String
    public var total: Int
    public var completed: Int
    public var failed: Int
    public var outputFileID: String?
    public var errorFileID: String?

    public init(
        status: String, total: Int = 0, completed: Int = 0, failed: Int = 0, outputFileID: String? = nil,
        errorFileID: String? = nil
    ) {
        self.status = status
        self.total = total
        self.completed = completed
        self.failed = failed
        self.outputFileID = outputFileID
        self.errorFileID = errorFileID
    }
}

/// One row of `remote_batches`.
public struct RemoteBatchRecord: Sendable, Equatable {
    public var id: Int64
    public var job: Int64
    /// Its number within the job, from 1.
    public var part: Int
    public var url: String
    public var model: String
    /// The idempotency marker sent as the batch's `metadata` (``RemoteBatchTag``).
    public var tag: String
    public var lines: Int
    public var bytes: Int64
    public var step: RemoteBatchStep
    public var inputFileID: String?
    public var batchID: String?
    /// The last status seen, `nil` before the batch was created.
    public var remote: RemoteBatchStatus?
}

/// The tag of a remote batch: `batchd:<job>:<part>:<content hash>`, unique per database and
/// found again in the provider's batch list after a crash.
public enum RemoteBatchTag {
    /// The metadata key the tag is sent under.
    public static let metadataKey = "batchd_tag"

    public static func make(job: Int64, part: Int, contentHash: String) -> String {
        "batchd:\(job):\(part):\(contentHash)"
    }
}
