import BatchCore
import BatchStore
import BatchThreads
import BatchTransport

#if canImport(Glibc)
    import Glibc
#endif

/// Sends one request: reads its line back from the input by offset, checks it is still the line
/// that was ingested, and sends its body to the endpoint.
///
/// The check: the line's ``LineHash`` is the one ingest recorded (so a line edited in place, even
/// at the same length and with the file's size and modification time restored, is not sent), and
/// it still parses to the request's `custom_id`, model and operation. A line that fails it is
/// ``Result/inputModified(_:)``: nothing is sent for it, and the job stops.
///
/// File-carrying operations (``APIPath/sendsFile``) are sent as `multipart/form-data` whose files
/// are checked again (``UploadForm``) and streamed from disk; a file that is gone or refused gives
/// a final `file_unavailable` failure naming the line and the file. A 2xx answer is shaped by the
/// request's ``ExpectedAnswer`` (text embedded as a string, binary answers saved to files) before
/// it is returned, so files exist before the results line is recorded.
public struct RequestSender: Sendable {
    /// What one send produced.
    public enum Result: Sendable {
        case attempt(AttemptResult)
        /// The input no longer holds the ingested line at the recorded offset.
        case inputModified(String)
        /// The send was cancelled (hard stop); nothing is recorded for it.
        case cancelled
        /// No credential could be had, or the endpoint refused a fresh one: nothing was recorded,
        /// and the job stops (`auth_failed`). The detail names the source and what it said.
        case authFailed(String)
        /// A pack's answer (``sendPack(_:)``), with what splitting it back into lines gave.
        case packed(AttemptResult, PackSplit)
    }

    public let endpoint: Endpoint
    public let transport: any HTTPTransport
    public let input: InputFile
    /// How long one attempt to a model may take.
    public let timeout: @Sendable (_ model: String) -> Duration
    public let parser: BatchLineParser
    /// Checks and encodes the files of file-carrying requests.
    public let uploads: UploadForm
    /// Turns 2xx answers into what the results line holds.
    public let shaper: AnswerShaper
    /// Times each answer (``HTTPAnswer/latency``).
    public let clock: any BatchClock

    public init(
        endpoint: Endpoint, transport: any HTTPTransport, input: InputFile,
        timeout: @escaping @Sendable (_ model: String) -> Duration,
        parser: BatchLineParser = BatchLineParser(
            acceptedPaths: APIPath.supported, estimatesTokenCost: false),
        uploadPolicy: UploadPolicy = UploadPolicy(), clock: any BatchClock = SystemClock()
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.input = input
        self.timeout = timeout
        self.parser = parser
        self.uploads = UploadForm(policy: uploadPolicy, inputPath: input.path)
        self.shaper = AnswerShaper(writer: BinaryOutputWriter(inputPath: input.path))
        self.clock = clock
    }

    public func send(_ item: DispatchItem) async -> Result {
        let request = item.request
        let body: [UInt8]
        let path: APIPath
        do {
            let line = try input.read(offset: request.offset, length: request.length)
            if let recorded = request.lineHash, LineHash.of(line) != recorded {
                return .inputModified(
                    "line \(request.line) no longer holds the bytes ingested: its hash differs")
            }
            if request.lineHash != nil, let range = item.bodyRange, range.upperBound <= line.count,
                let known = APIPath(rawValue: request.path)
            {
                // The ingested line (its hash again): its body's place was found when it was loaded.
                (body, path) = (Array(line[range]), known)
            } else {
                guard case .success(let parsed) = parser.parse(line), parsed.customID == request.customID,
                    parsed.model == request.model, parsed.path.rawValue == request.path
                else {
                    return .inputModified(
                        "line \(request.line) no longer holds the request with custom_id \(request.customID)")
                }
                body = Array(line[parsed.bodyRange])
                path = parsed.path
            }
        } catch {
            return .inputModified("line \(request.line) cannot be read back: \(error)")
        }
        let url: String
        do {
            url = try endpoint.url(for: path, model: request.model)
        } catch {
            return .attempt(
                .failure(
                    TransportFailure(
                        kind: .invalidDeployment, message: "\(input.fileName) line \(request.line): \(error)")
                ))
        }
        let content: RequestBody
        let contentType: String
        let expected: ExpectedAnswer
        if path.sendsFile {
            do {
                let (form, answer) = try uploads.build(body: body, path: path)
                (content, contentType, expected) = (.multipart(form), form.contentType, answer)
            } catch {
                return .attempt(
                    .failure(
                        TransportFailure(
                            kind: .fileUnavailable,
                            message: "\(input.fileName) line \(request.line): \(error.reason)"))
                )
            }
        } else {
            (content, contentType) = (.bytes(body), "application/json")
            expected = Self.expectedAnswer(path: path, body: body)
        }
        do {
            var (answer, sentAt) = try await sendAuthenticated(
                url: url, content: content, contentType: contentType, timeout: timeout(request.model))
            answer.latency = .milliseconds(max(0, clock.now.milliseconds - sentAt.milliseconds))
            do {
                var shaped = try await shape(answer, expected: expected, customID: request.customID)
                // Scanned here, in this request's own task, rather than on the dispatch loop.
                if shaped.isSuccess { shaped.bodyScan = BodyScan(body: shaped.body) }
                return .attempt(.answer(shaped))
            } catch let error as BinaryOutputError {
                return .attempt(.failure(TransportFailure(kind: .other, message: error.message)))
            }
        } catch {
            return Self.result(of: error)
        }
    }
}

extension RequestSender {
    /// Shapes a 2xx answer (see ``AnswerShaper``). Saving files (a write and an `fsync` each) runs
    /// off the threads that run tasks, where 64 sends of speech at once would stall every task of
    /// the process.
    func shape(_ answer: HTTPAnswer, expected: ExpectedAnswer, customID: String) async throws -> HTTPAnswer {
        guard answer.isSuccess, expected.savesFiles else {
            return try shaper.shape(answer, expected: expected, customID: customID)
        }
        let shaper = shaper
        return try await BlockingWork.run { try shaper.shape(answer, expected: expected, customID: customID) }
    }

    /// The expected answer of a JSON-bodied request: only speech and images look at the body.
    static func expectedAnswer(path: APIPath, body: [UInt8]) -> ExpectedAnswer {
        guard path == .audioSpeech || path == .imagesGenerations else { return .json }
        let members = (try? JSONScanner.topLevelMembers(body)) ?? nil
        func string(_ key: String) -> String? {
            guard let member = members?.last(where: { $0.key == key && $0.kind == .string }) else {
                return nil
            }
            return try? JSONScanner.decodeString(Array(body[member.range]))
        }
        return ExpectedAnswer(
            path: path, responseFormat: string("response_format"), outputFormat: string("output_format"))
    }
}

/// A job's input file held open for reading lines back by offset.
public final class InputFile: Sendable {
    public let path: String
    private let fd: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw BatchdError.inputUnreadable(path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// The file's name without its folder, as error lines name it.
    var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// The bytes of one line.
    public func read(offset: Int64, length: Int) throws -> [UInt8] {
        try JSONLReader.readLine(fd: fd, offset: offset, length: length)
    }
}
