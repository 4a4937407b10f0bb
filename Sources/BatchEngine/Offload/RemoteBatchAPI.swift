import BatchCore
import BatchStore

/// What a provider said of a batch on a retrieve.
public struct RemoteBatchSnapshot: Sendable, Equatable {
    public var id: String
    public var status: RemoteBatchStatus
    /// A failed batch's validation errors: 1-based line of the upload, code, message.
    public var lineErrors: [LineError]
    /// The `batchd_tag` metadata value it was created with, if any.
    public var tag: String?

    public struct LineError: Sendable, Equatable {
        public var line: Int?
        public var code: String
        public var message: String
    }
}

/// The provider's Files and Batches API, as batchd uses it: the boundary the offload shell talks
/// through (``HTTPRemoteBatchAPI`` in production; tests use it against the simulator, or a fake).
///
/// Guarantees of every implementation: an answer that is not a success is thrown as
/// ``RemoteBatchAPIError`` with the provider's code, message and `Retry-After`; nothing is retried
/// here (the ``RemoteBatchMachine`` decides).
public protocol RemoteBatchAPI: Sendable {
    /// Uploads the file at `path` (`size` bytes) with `purpose=batch`; returns its file id.
    func upload(path: String, size: Int64, fileName: String) async throws -> String
    /// The batch whose metadata carries `tag`, searching the provider's whole batch list.
    func findBatch(tag: String) async throws -> String?
    /// Creates a batch over `inputFileID` for `endpoint` (the lines' `url`), tagged `tag`.
    func createBatch(inputFileID: String, endpoint: String, tag: String) async throws -> String
    func retrieve(batchID: String) async throws -> RemoteBatchSnapshot
    /// The lines of a file (an output or error file), handed to `line` one by one as they are
    /// downloaded: the file is never held whole (an output file may be 200 MB).
    func content(fileID: String, line: ([UInt8]) async throws -> Void) async throws
    func cancel(batchID: String) async throws
    func delete(fileID: String) async throws
}

/// A Files or Batches API call that did not succeed.
public struct RemoteBatchAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status, or `nil` when no answer came.
    public var status: Int?
    public var code: String
    public var message: String
    public var retryAfter: Duration?

    public var description: String {
        "Batch API: \(status.map { "HTTP \($0) " } ?? "")\(code): \(message)"
    }

    /// Whether asking again later may succeed: 408, 409, 429, 5xx and no answer.
    public var isTransient: Bool {
        guard let status else { return true }
        return status == 408 || status == 409 || status == 429 || status >= 500
    }
}
