import Foundation
import NIOCore
import NIOHTTP1

/// The simulator's Files and Batches API: uploads, downloads, deletes; batch create, retrieve,
/// list and cancel, in the OpenAI, Azure v1 and Azure dated forms (``BatchRoute``).
///
/// Thread-safe: all state is behind one lock held only for dictionary work; a batch's lines are
/// processed at creation (``BatchProcessing``), outside the lock, and revealed when it ends.
final class BatchEndpoints: Sendable {
    private struct State {
        var files: [String: SimFile] = [:]
        var batches: [String: SimBatch] = [:]
        /// Batch ids, oldest first.
        var order: [String] = []
        var counter = 0

        mutating func nextID(_ prefix: String) -> String {
            counter += 1
            return prefix + String(counter, radix: 16)
        }
    }

    private let simulation: BatchSimulation
    private let embeddingDimensions: Int
    private let state = Locked(State())
    private let idPrefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)

    init(simulation: BatchSimulation, embeddingDimensions: Int) {
        self.simulation = simulation
        self.embeddingDimensions = embeddingDimensions
    }

    /// How many batches were created so far (for tests of "never twice").
    var batchCount: Int { state.withLock { $0.order.count } }

    /// How many files it holds now (uploaded, and the output and error files of ended batches).
    var fileCount: Int { state.withLock { $0.files.count } }

    /// Whether a cancel request came for each batch, by id (for tests of `batchctl cancel`).
    var cancelRequested: [String: Bool] {
        state.withLock { $0.batches.mapValues { $0.cancelledAt != nil } }
    }

    /// The answer to a request on `route`.
    func answer(_ request: SimRequest, route: BatchRoute) -> SimResponse {
        if route.form == .azureDated, route.apiVersion?.isEmpty ?? true {
            return ErrorResponses.error(
                .badRequest, code: "missing_api_version",
                message: "The 'api-version' query parameter is required.")
        }
        let now = Int(Date().timeIntervalSince1970)
        switch route.operation {
        case .uploadFile: return upload(request, now: now)
        case .file(let id):
            guard let file = state.withLock({ $0.files[id] }) else { return Self.missing("file", id) }
            return SimResponse(status: .ok, json: Self.json(file))
        case .deleteFile(let id):
            guard state.withLock({ $0.files.removeValue(forKey: id) }) != nil else {
                return Self.missing("file", id)
            }
            return SimResponse(
                status: .ok, json: .object([("id", .string(id)), ("object", "file"), ("deleted", true)]))
        case .fileContent(let id):
            guard let file = state.withLock({ $0.files[id] }) else { return Self.missing("file", id) }
            return SimResponse(status: .ok, contentType: "application/octet-stream", bytes: file.bytes)
        case .createBatch: return create(request, form: route.form, now: now)
        case .listBatches: return list(after: route.after, limit: route.limit)
        case .batch(let id):
            guard let object = reveal(id) else { return Self.missing("batch", id) }
            return SimResponse(status: .ok, json: object)
        case .cancelBatch(let id): return cancel(id, now: now)
        }
    }

    private func upload(_ request: SimRequest, now: Int) -> SimResponse {
        let bytes = request.body.map { Array($0.readableBytesView) } ?? []
        guard
            let boundary = MultipartForm.boundary(
                contentType: request.headers.first(name: "content-type") ?? ""),
            let form = MultipartForm(body: bytes, boundary: boundary)
        else { return ErrorResponses.invalidRequest("The body must be multipart/form-data with a boundary.") }
        guard form.first("purpose")?.text == "batch" else {
            return ErrorResponses.invalidRequest("'purpose' must be 'batch'.")
        }
        guard let part = form.first("file"), !part.data.isEmpty else {
            return ErrorResponses.invalidRequest("'file' is required and must not be empty.")
        }
        let file = state.withLock { state -> SimFile in
            let file = SimFile(
                id: state.nextID("file-" + idPrefix), filename: part.filename ?? "input.jsonl",
                purpose: "batch",
                bytes: part.data, createdAt: now)
            state.files[file.id] = file
            return file
        }
        return SimResponse(status: .ok, json: Self.json(file))
    }

    private func create(_ request: SimRequest, form: BatchRoute.Form, now: Int) -> SimResponse {
        let bytes = request.body.map { Data($0.readableBytesView) } ?? Data()
        guard let json = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
            return ErrorResponses.invalidRequest("The body must be a JSON object.")
        }
        guard let inputFileID = json["input_file_id"] as? String,
            let input = state.withLock({ $0.files[inputFileID] })
        else { return ErrorResponses.invalidRequest("'input_file_id' must name an uploaded file.") }
        guard let endpoint = json["endpoint"] as? String, BatchProcessing.accepts(endpoint, form: form) else {
            return ErrorResponses.invalidRequest("'endpoint' is not supported by the Batch API here.")
        }
        guard let window = json["completion_window"] as? String, window == "24h" else {
            return ErrorResponses.invalidRequest("'completion_window' must be '24h'.")
        }
        var metadata: [(String, String)] = []
        if let given = json["metadata"] as? [String: Any] {
            guard given.count <= 16, given.values.allSatisfy({ $0 is String }) else {
                return ErrorResponses.invalidRequest("'metadata' takes at most 16 string values.")
            }
            metadata = given.map { ($0.key, $0.value as? String ?? "") }.sorted { $0.0 < $1.0 }
        }
        let tag = state.withLock { $0.nextID("") }
        let result = BatchProcessing.run(
            input.bytes, endpoint: endpoint, form: form, simulation: simulation, idPrefix: idPrefix + tag,
            embeddingDimensions: embeddingDimensions)
        let batch = SimBatch(
            id: "batch_" + idPrefix + tag, endpoint: endpoint, inputFileID: inputFileID,
            completionWindow: window,
            metadata: metadata, createdAt: now, started: .now(), result: result)
        state.withLock { state in
            state.batches[batch.id] = batch
            state.order.append(batch.id)
        }
        return SimResponse(status: .ok, json: reveal(batch.id) ?? .null)
    }

    private func list(after: String?, limit: Int?) -> SimResponse {
        let ids = state.withLock { $0.order.reversed() as [String] }
        var start = 0
        if let after, let index = ids.firstIndex(of: after) { start = index + 1 }
        let count = min(100, max(1, limit ?? 20))
        let page = Array(ids.dropFirst(start).prefix(count))
        let objects = page.compactMap { reveal($0) }
        return SimResponse(
            status: .ok,
            json: .object([
                ("object", "list"), ("data", .array(objects)),
                ("first_id", page.first.map { .string($0) } ?? .null),
                ("last_id", page.last.map { .string($0) } ?? .null),
                ("has_more", .bool(start + page.count < ids.count)),
            ]))
    }

    private func cancel(_ id: String, now: Int) -> SimResponse {
        let processing = simulation.processingTime
        let found = state.withLock { state -> Bool in
            guard var batch = state.batches[id] else { return false }
            let status = batch.status(at: .now(), processingTime: processing)
            if ["validating", "in_progress", "finalizing"].contains(status) {
                batch.cancelledAt = now
                state.batches[id] = batch
            }
            return true
        }
        guard found, var object = reveal(id) else { return Self.missing("batch", id) }
        // The answer to the cancel itself says `cancelling`, as the providers' do.
        if case .object(var pairs) = object, let index = pairs.firstIndex(where: { $0.0 == "status" }),
            case .string("cancelled") = pairs[index].1
        {
            pairs[index].1 = "cancelling"
            object = .object(pairs)
        }
        return SimResponse(status: .ok, json: object)
    }

    /// The batch object of `id` now, creating its output and error files when it has just ended.
    private func reveal(_ id: String) -> JSONValue? {
        let processing = simulation.processingTime
        return state.withLock { state -> JSONValue? in
            guard let batch = state.batches[id] else { return nil }
            let status = batch.status(at: .now(), processingTime: processing)
            var outputID: String?
            var errorID: String?
            var counts = (total: 0, completed: 0, failed: 0)
            var errors: JSONValue = .null
            switch batch.result {
            case .failed(let problems):
                if status == "failed" {
                    errors = .object([
                        ("object", "list"),
                        (
                            "data",
                            .array(
                                problems.prefix(1000).map {
                                    .object([
                                        ("code", .string($0.code)), ("line", .int($0.line)),
                                        ("message", .string($0.message)), ("param", .null),
                                    ])
                                })
                        ),
                    ])
                }
            case .answered(let output, let errorLines, let total, let failed, _):
                counts.total = total
                if ["completed", "expired"].contains(status) {
                    counts.completed = output.count
                    counts.failed = failed
                    outputID = Self.file(
                        for: output, name: "\(id)_output.jsonl", key: "\(id)/output", in: &state)
                    errorID = Self.file(
                        for: errorLines, name: "\(id)_error.jsonl", key: "\(id)/error", in: &state)
                }
            }
            func time(_ value: Bool) -> JSONValue { value ? .int(batch.createdAt) : .null }
            return .object([
                ("id", .string(batch.id)), ("object", "batch"), ("endpoint", .string(batch.endpoint)),
                ("errors", errors), ("input_file_id", .string(batch.inputFileID)),
                ("completion_window", .string(batch.completionWindow)), ("status", .string(status)),
                ("output_file_id", outputID.map { .string($0) } ?? .null),
                ("error_file_id", errorID.map { .string($0) } ?? .null),
                ("created_at", .int(batch.createdAt)), ("in_progress_at", time(status != "validating")),
                ("expires_at", .int(batch.createdAt + 86_400)),
                ("finalizing_at", time(status == "finalizing" || status == "completed")),
                ("completed_at", time(status == "completed")), ("failed_at", time(status == "failed")),
                ("expired_at", time(status == "expired")),
                ("cancelling_at", batch.cancelledAt.map { .int($0) } ?? .null),
                ("cancelled_at", time(status == "cancelled")),
                (
                    "request_counts",
                    .object([
                        ("total", .int(counts.total)), ("completed", .int(counts.completed)),
                        ("failed", .int(counts.failed)),
                    ])
                ),
                ("metadata", .object(batch.metadata.map { ($0.0, .string($0.1)) })),
            ])
        }
    }

    /// The id of the generated file stored under `key` (made on first use); `nil` for no lines.
    private static func file(for lines: [String], name: String, key: String, in state: inout State) -> String?
    {
        guard !lines.isEmpty else { return nil }
        let id = "file-" + key.replacingOccurrences(of: "/", with: "-")
        if state.files[id] == nil {
            var bytes: [UInt8] = []
            for line in lines {
                bytes += Array(line.utf8)
                bytes.append(UInt8(ascii: "\n"))
            }
            state.files[id] = SimFile(
                id: id, filename: name, purpose: "batch_output", bytes: bytes,
                createdAt: Int(Date().timeIntervalSince1970))
        }
        return id
    }

    private static func json(_ file: SimFile) -> JSONValue {
        .object([
            ("id", .string(file.id)), ("object", "file"), ("bytes", .int(file.bytes.count)),
            ("created_at", .int(file.createdAt)), ("filename", .string(file.filename)),
            ("purpose", .string(file.purpose)), ("status", "processed"), ("status_details", .null),
        ])
    }

    private static func missing(_ kind: String, _ id: String) -> SimResponse {
        ErrorResponses.error(.notFound, code: "not_found", message: "No such \(kind): '\(id)'.")
    }
}
