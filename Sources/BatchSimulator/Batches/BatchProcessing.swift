import Foundation
import NIOHTTP1

/// Validates an uploaded batch input file the way the providers document it, then answers every
/// line with the simulator's own answer code, producing the output and error files' lines.
///
/// Validation is of the whole file, before any line is answered: a line that is not a JSON
/// object (`invalid_json_line`), lacks a `custom_id` or repeats one (`duplicate_custom_id`), is
/// not a POST, names another `url` than the batch's endpoint (`url_mismatch`) or, on Azure,
/// another model than the first line (`model_mismatch`) fails the batch, with each error's
/// 1-based line number. Otherwise each line is answered: 2xx answers go to the output file,
/// everything else (invalid bodies, simulated failures, expiry) to the error file.
enum BatchProcessing {
    /// The outcome of one batch, decided at creation.
    enum Result: Sendable {
        /// Validation failed: the errors, each with its line number; nothing was answered.
        case failed([ValidationError])
        /// Every line was answered (`expired` when some got `batch_expired` instead).
        case answered(output: [String], errors: [String], total: Int, failed: Int, expired: Bool)

        var finalStatus: String {
            switch self {
            case .failed: "failed"
            case .answered(_, _, _, _, let expired): expired ? "expired" : "completed"
            }
        }
    }

    /// One entry of a failed batch's `errors.data`.
    struct ValidationError: Sendable {
        var code: String
        var line: Int
        var message: String
    }

    /// The endpoints each URL form accepts as a batch's `endpoint`.
    static func accepts(_ endpoint: String, form: BatchRoute.Form) -> Bool {
        switch form {
        case .openAI:
            [
                "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions",
                "/v1/moderations", "/v1/images/generations", "/v1/images/edits",
            ].contains(endpoint)
        case .azureV1: ["/v1/chat/completions", "/v1/responses"].contains(endpoint)
        case .azureDated: ["/chat/completions", "/responses", "/completions"].contains(endpoint)
        }
    }

    /// Validates and answers `file` for a batch on `endpoint`.
    static func run(
        _ file: [UInt8], endpoint: String, form: BatchRoute.Form, simulation: BatchSimulation,
        idPrefix: String, embeddingDimensions: Int
    ) -> Result {
        var parsed: [(line: Int, customID: String, model: String, body: [String: Any])] = []
        var problems: [ValidationError] = []
        var seen = Set<String>()
        var firstModel: String?
        for (index, raw) in file.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            let line = index + 1
            var bytes = raw
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                problems.append(
                    .init(code: "invalid_json_line", line: line, message: "The line starts with a BOM."))
                continue
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
                problems.append(
                    .init(code: "invalid_json_line", line: line, message: "The line is not a JSON object."))
                continue
            }
            guard let customID = object["custom_id"] as? String, !customID.isEmpty else {
                problems.append(
                    .init(code: "invalid_request", line: line, message: "'custom_id' is required."))
                continue
            }
            guard seen.insert(customID).inserted else {
                problems.append(
                    .init(
                        code: "duplicate_custom_id", line: line, message: "Duplicate custom_id '\(customID)'."
                    ))
                continue
            }
            guard (object["method"] as? String) == "POST" else {
                problems.append(.init(code: "invalid_request", line: line, message: "'method' must be POST."))
                continue
            }
            guard (object["url"] as? String) == endpoint else {
                problems.append(
                    .init(
                        code: "url_mismatch", line: line,
                        message: "The url does not match the batch's endpoint."))
                continue
            }
            guard let body = object["body"] as? [String: Any], let model = body["model"] as? String,
                !model.isEmpty
            else {
                problems.append(
                    .init(code: "invalid_request", line: line, message: "'body.model' is required."))
                continue
            }
            if form != .openAI {
                if let firstModel, firstModel != model {
                    problems.append(
                        .init(
                            code: "model_mismatch", line: line,
                            message: "Every line must name '\(firstModel)'."))
                    continue
                }
                firstModel = model
            }
            if fails(customID + "#validation", rate: simulation.validationFailureRate) {
                problems.append(
                    .init(
                        code: "invalid_request", line: line,
                        message: "Simulated validation failure of '\(customID)'."))
                continue
            }
            parsed.append((line, customID, model, body))
        }
        if !problems.isEmpty { return .failed(problems) }
        if parsed.isEmpty {
            return .failed([.init(code: "empty_file", line: 1, message: "The file has no requests.")])
        }

        let operationName =
            endpoint.hasPrefix("/v1/") ? String(endpoint.dropFirst(4)) : String(endpoint.dropFirst())
        let operation = APIOperation(rawValue: operationName)
        let answeredCount =
            simulation.expire
            ? Int((Double(parsed.count) * min(1, max(0, simulation.answeredShareOnExpiry))).rounded(.down))
            : parsed.count
        var output: [String] = []
        var errors: [String] = []
        var failed = 0
        for (number, item) in parsed.enumerated() {
            let requestID = "batch_req_\(idPrefix)_\(number)"
            if number >= answeredCount {
                errors.append(
                    OutputLine.error(
                        id: requestID, customID: item.customID, code: "batch_expired",
                        message: "This request could not be executed before the completion window expired."))
                continue
            }
            if Self.fails(item.customID, rate: simulation.lineFailureRate) {
                failed += 1
                let answer = ErrorResponses.serverError
                errors.append(
                    OutputLine.response(
                        id: requestID, customID: item.customID, status: 500,
                        requestID: "req_\(idPrefix)_\(number)",
                        body: answer.body))
                continue
            }
            let answer: SimResponse
            do throws(RequestError) {
                guard let operation else { throw RequestError("Unsupported url.") }
                let call = try CallFactory.prepare(operation, json: item.body)
                answer = call.render(
                    RenderContext(
                        model: item.model, idSuffix: "\(idPrefix)\(number)",
                        created: Int(Date().timeIntervalSince1970), embeddingDimensions: embeddingDimensions))
            } catch {
                answer = ErrorResponses.invalidRequest(error.message)
            }
            let status = Int(answer.status.code)
            let line = OutputLine.response(
                id: requestID, customID: item.customID, status: status,
                requestID: "req_\(idPrefix)_\(number)",
                body: answer.body)
            if (200..<300).contains(status) {
                output.append(line)
            } else {
                failed += 1
                errors.append(line)
            }
        }
        return .answered(
            output: output, errors: errors, total: parsed.count, failed: failed, expired: simulation.expire)
    }

    /// Whether `customID` is among the `rate` share of failing lines (FNV-1a of its bytes).
    static func fails(_ customID: String, rate: Double) -> Bool {
        guard rate > 0 else { return false }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in customID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Double(hash % 10_000) / 10_000 < rate
    }
}

/// Lines of the output and error files, in the Batch API schema.
enum OutputLine {
    /// A line with an HTTP answer; `body` is the answer's JSON text, embedded as is.
    static func response(id: String, customID: String, status: Int, requestID: String, body: [UInt8])
        -> String
    {
        var line = "{\"id\":" + JSONValue.string(id).serialized + ",\"custom_id\":"
        line += JSONValue.string(customID).serialized
        line +=
            ",\"response\":{\"status_code\":\(status),\"request_id\":"
            + JSONValue.string(requestID).serialized
        line += ",\"body\":" + String(decoding: body, as: UTF8.self) + "},\"error\":null}"
        return line
    }

    /// A line without an HTTP answer.
    static func error(id: String, customID: String, code: String, message: String) -> String {
        JSONValue.object([
            ("id", .string(id)), ("custom_id", .string(customID)), ("response", .null),
            ("error", .object([("code", .string(code)), ("message", .string(message))])),
        ]).serialized
    }
}
