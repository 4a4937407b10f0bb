import BatchCore
import BatchStore
import BatchTransport
import Foundation

/// ``RemoteBatchAPI`` over an ``HTTPTransport`` to an ``Endpoint``, in its URL form
/// (``Endpoint/batchAPIURL(_:query:)``), with the endpoint's credential on every call.
public struct HTTPRemoteBatchAPI: RemoteBatchAPI {
    let endpoint: Endpoint
    let transport: any HTTPTransport
    let timeout: Duration
    let clock: any BatchClock

    public init(
        endpoint: Endpoint, transport: any HTTPTransport, clock: any BatchClock,
        timeout: Duration = .seconds(600)
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.clock = clock
        self.timeout = timeout
    }

    public func upload(path: String, size: Int64, fileName: String) async throws -> String {
        let form = MultipartBody(parts: [
            .field(name: "purpose", value: "batch"),
            .file(name: "file", fileName: fileName, contentType: "application/jsonl", path: path, size: size),
        ])
        let json = try await call("POST", "files", content: .multipart(form), contentType: form.contentType)
        return try Self.string(json, "id")
    }

    public func findBatch(tag: String) async throws -> String? {
        var after: String?
        while true {
            var query = "limit=100"
            if let after { query += "&after=" + Self.escape(after) }
            let json = try await call("GET", "batches", query: query)
            let data = json["data"] as? [[String: Any]] ?? []
            for batch in data {
                let metadata = batch["metadata"] as? [String: Any]
                if metadata?[RemoteBatchTag.metadataKey] as? String == tag, let id = batch["id"] as? String {
                    return id
                }
            }
            guard json["has_more"] as? Bool == true, let last = data.last?["id"] as? String else {
                return nil
            }
            after = last
        }
    }

    public func createBatch(inputFileID: String, endpoint path: String, tag: String) async throws -> String {
        let body: [String: Any] = [
            "input_file_id": inputFileID, "endpoint": path, "completion_window": "24h",
            "metadata": [RemoteBatchTag.metadataKey: tag],
        ]
        let bytes = Array(try JSONSerialization.data(withJSONObject: body, options: .sortedKeys))
        let json = try await call("POST", "batches", content: .bytes(bytes), contentType: "application/json")
        return try Self.string(json, "id")
    }

    public func retrieve(batchID: String) async throws -> RemoteBatchSnapshot {
        let json = try await call("GET", "batches/" + Self.escape(batchID))
        let counts = json["request_counts"] as? [String: Any] ?? [:]
        let status = RemoteBatchStatus(
            status: json["status"] as? String ?? "unknown", total: counts["total"] as? Int ?? 0,
            completed: counts["completed"] as? Int ?? 0, failed: counts["failed"] as? Int ?? 0,
            outputFileID: json["output_file_id"] as? String, errorFileID: json["error_file_id"] as? String)
        let errors = ((json["errors"] as? [String: Any])?["data"] as? [[String: Any]] ?? []).map {
            RemoteBatchSnapshot.LineError(
                line: $0["line"] as? Int, code: $0["code"] as? String ?? "invalid_request",
                message: $0["message"] as? String ?? "")
        }
        let tag = (json["metadata"] as? [String: Any])?[RemoteBatchTag.metadataKey] as? String
        return RemoteBatchSnapshot(
            id: json["id"] as? String ?? batchID, status: status, lineErrors: errors, tag: tag)
    }

    public func content(fileID: String, line: ([UInt8]) async throws -> Void) async throws {
        var assembler = LineAssembler()
        try await download("files/" + Self.escape(fileID) + "/content") { piece in
            for complete in assembler.add(piece) { try await line(complete) }
        }
        if let last = assembler.finish() { try await line(last) }
    }

    public func cancel(batchID: String) async throws {
        _ = try await call("POST", "batches/" + Self.escape(batchID) + "/cancel")
    }

    public func delete(fileID: String) async throws {
        _ = try await call("DELETE", "files/" + Self.escape(fileID))
    }

    private func call(
        _ method: String, _ resource: String, query: String? = nil, content: RequestBody = .bytes([]),
        contentType: String? = nil
    ) async throws -> [String: Any] {
        let answer = try await send(
            method, resource, query: query, content: content, contentType: contentType)
        guard let json = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any] else {
            throw RemoteBatchAPIError(
                status: answer.status, code: "invalid_answer", message: "the answer is not a JSON object")
        }
        return json
    }

    /// GETs `resource`, its 2xx body handed to `piece` in pieces as it arrives (through a
    /// ``StreamingHTTPTransport``; whole through any other transport).
    private func download(_ resource: String, piece: ([UInt8]) async throws -> Void) async throws {
        let request = try await outbound("GET", resource, query: nil, content: .bytes([]), contentType: nil)
        let answer: HTTPAnswer
        do {
            if let streaming = transport as? any StreamingHTTPTransport {
                answer = try await streaming.stream(request, timeout: timeout, body: piece)
            } else {
                answer = try await transport.streamingDefault(request, timeout: timeout, body: piece)
            }
        } catch let failure as TransportFailure {
            throw RemoteBatchAPIError(status: nil, code: "unreachable", message: "\(failure)")
        }
        try check(answer)
    }

    private func outbound(
        _ method: String, _ resource: String, query: String?, content: RequestBody, contentType: String?
    ) async throws -> OutboundRequest {
        var headers = try await endpoint.credential.authenticationHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        headers.add(name: "User-Agent", value: "batchd/0.1")
        return OutboundRequest(
            method: method, url: endpoint.batchAPIURL(resource, query: query), headers: headers,
            content: content)
    }

    private func send(
        _ method: String, _ resource: String, query: String? = nil, content: RequestBody = .bytes([]),
        contentType: String? = nil
    ) async throws -> HTTPAnswer {
        let request = try await outbound(
            method, resource, query: query, content: content, contentType: contentType)
        let answer: HTTPAnswer
        do {
            answer = try await transport.send(request, timeout: timeout)
        } catch let failure as TransportFailure {
            throw RemoteBatchAPIError(status: nil, code: "unreachable", message: "\(failure)")
        }
        try check(answer)
        return answer
    }

    /// Throws the provider's error for an answer that is not a success.
    private func check(_ answer: HTTPAnswer) throws {
        guard (200..<300).contains(answer.status) else {
            let error = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
            let detail = error?["error"] as? [String: Any]
            throw RemoteBatchAPIError(
                status: answer.status, code: (detail?["code"] as? String) ?? "http_\(answer.status)",
                message: (detail?["message"] as? String) ?? "the provider answered \(answer.status)",
                retryAfter: RetryAfter.parse(answer.headers, now: clock.now))
        }
    }

    private static func string(_ json: [String: Any], _ key: String) throws -> String {
        guard let value = json[key] as? String, !value.isEmpty else {
            throw RemoteBatchAPIError(
                status: 200, code: "invalid_answer", message: "the answer has no '\(key)'")
        }
        return value
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
