import BatchCore
import BatchStore

/// Maps the lines of a batch's output and error files back to the job's requests by `custom_id`
/// and turns each into the job's own output line (``OutputLine``, the schema of live answers).
///
/// A pure value. Guarantees: only requests still pending in the batch get a line; each at most
/// once (an answer that comes twice keeps the first); a line naming no such request, or not
/// readable, is counted in ``ignored`` and skipped; `batch_expired` and `batch_cancelled` lines
/// (``unansweredCodes``) are no answer: their requests stay in ``unanswered``.
public struct RemoteAnswerSorter: Sendable {
    /// One request's answer, ready for the outcome recorder.
    public struct Sorted: Sendable, Equatable {
        public var line: Int
        public var succeeded: Bool
        public var model: String
        public var usage: TokenUsage?
        public var output: [UInt8]
        public var lastError: String?
    }

    /// Error codes that mean the provider never ran the request (the window expired, the batch
    /// was cancelled): such a line is no answer, and the request is sent again.
    public static let unansweredCodes: Set<String> = ["batch_expired", "batch_cancelled"]

    private let job: Int64
    private var waiting: [String: PendingRequest]
    /// Lines of the provider's files that named no waiting request (unknown, or answered already).
    public private(set) var ignored = 0

    public init(job: Int64, pending: [PendingRequest]) {
        self.job = job
        waiting = Dictionary(pending.map { ($0.customID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The requests no answer was sorted for yet.
    public var unanswered: [PendingRequest] { waiting.values.sorted { $0.line < $1.line } }

    /// Sorts one line of an output or error file.
    public mutating func sort(_ line: [UInt8]) -> Sorted? {
        guard let members = try? JSONScanner.topLevelMembers(line),
            let customMember = members.first(where: { $0.key == "custom_id" && $0.kind == .string }),
            let customID = try? JSONScanner.decodeString(Array(line[customMember.range])),
            let request = waiting.removeValue(forKey: customID)
        else {
            ignored += 1
            return nil
        }
        let id = OutputLine.id(job: job, line: request.line)
        if let response = members.first(where: { $0.key == "response" && $0.kind == .object }),
            let inner = try? JSONScanner.topLevelMembers(Array(line[response.range])),
            let statusMember = inner.first(where: { $0.key == "status_code" })
        {
            let bytes = Array(line[response.range])
            let status = JSONScanner.integerValue(Array(bytes[statusMember.range])) ?? 0
            let body = inner.first(where: { $0.key == "body" }).map { Array(bytes[$0.range]) } ?? []
            var headers: HTTPHeaderFields = [:]
            if let requestID = inner.first(where: { $0.key == "request_id" && $0.kind == .string }),
                let value = try? JSONScanner.decodeString(Array(bytes[requestID.range]))
            {
                headers.add(name: "x-request-id", value: value)
            }
            let answer = HTTPAnswer(status: status, headers: headers, body: body)
            let succeeded = (200..<300).contains(status)
            return Sorted(
                line: request.line, succeeded: succeeded, model: request.model,
                usage: succeeded ? answer.usage : nil,
                output: OutputLine.answer(id: id, customID: customID, answer: answer),
                lastError: succeeded ? nil : "http_\(status)")
        }
        var code = "batch_error"
        var message = "the Batch API gave no answer for this request"
        if let error = members.first(where: { $0.key == "error" && $0.kind == .object }),
            let inner = try? JSONScanner.topLevelMembers(Array(line[error.range]))
        {
            let bytes = Array(line[error.range])
            for member in inner where member.kind == .string {
                let value = (try? JSONScanner.decodeString(Array(bytes[member.range]))) ?? ""
                if member.key == "code" { code = value }
                if member.key == "message" { message = value }
            }
        }
        if Self.unansweredCodes.contains(code) {
            // Not an answer: the request was never run; it stays waiting, to be sent again.
            waiting[customID] = request
            return nil
        }
        return Sorted(
            line: request.line, succeeded: false, model: request.model, usage: nil,
            output: OutputLine.failure(id: id, customID: customID, code: code, message: message),
            lastError: code)
    }
}
