import BatchCore
import BatchStore
import BatchTransport

/// What splitting a pack's 2xx answer back into lines gave.
public enum PackSplit: Sendable {
    /// One share per line of the pack, in order; `answerBytes` is the size of the whole answer.
    /// `sentWhole` is false when repeated inputs were sent once: the answer's usage then covers
    /// fewer inputs than the lines' estimates, and says nothing of how the server counts.
    case lines([EmbeddingAnswerSplit.Line], answerBytes: Int, sentWhole: Bool)
    /// The answer does not map onto the inputs sent (count, indexes, or not JSON): it is retried.
    case malformed(String)
    /// No 2xx answer to split.
    case none
}

extension RequestSender {
    /// Sends a pack of embedding lines as one request (``EmbeddingPackBody``) and splits a 2xx
    /// answer back into one body per line (``EmbeddingAnswerSplit``), in this send's own task.
    ///
    /// Each line is read back and checked exactly as ``send(_:)`` checks a line sent alone (its
    /// hash, its `custom_id`, model and operation), and must still pack with the first (equal
    /// bodies apart from `input`); otherwise nothing is sent and the result is
    /// ``Result/inputModified(_:)``. An input repeated within the pack (the same bytes, such as a
    /// corpus's boilerplate) is sent once and its embedding given to each line that holds it. The
    /// 2xx answer's bytes are released once split: what stays in memory is the lines' shares.
    ///
    /// Each line's share is its whole output line (`id` from `job` and its line number), built in
    /// this task so the dispatcher only records it.
    public func sendPack(_ pack: DispatchItem, job: Int64) async -> Result {
        var template: [UInt8] = []
        var inputRange = 0..<0
        var key: UInt64 = 0
        var elements: [ArraySlice<UInt8>] = []
        var inputs: [Int] = []
        for member in pack.members {
            let request = member.request
            let body: [UInt8]
            do {
                let line = try input.read(offset: request.offset, length: request.length)
                if let recorded = request.lineHash, LineHash.of(line) != recorded {
                    return .inputModified(
                        "line \(request.line) no longer holds the bytes ingested: its hash differs")
                }
                guard case .success(let parsed) = parser.parse(line), parsed.customID == request.customID,
                    parsed.model == request.model, parsed.path == .embeddings
                else {
                    return .inputModified(
                        "line \(request.line) no longer holds the request with custom_id \(request.customID)")
                }
                body = Array(line[parsed.bodyRange])
            } catch {
                return .inputModified("line \(request.line) cannot be read back: \(error)")
            }
            guard case .success(let shape) = EmbeddingInput.inspect(body: body),
                template.isEmpty || shape.packKey == key
            else {
                return .inputModified("line \(request.line) no longer packs with line \(pack.request.line)")
            }
            if template.isEmpty { (template, inputRange, key) = (body, shape.inputRange, shape.packKey) }
            elements += shape.elements.map { body[$0] }
            inputs.append(shape.elements.count)
        }
        let url: String
        do {
            url = try endpoint.url(for: .embeddings, model: pack.request.model)
        } catch {
            return .attempt(
                .failure(
                    TransportFailure(
                        kind: .invalidDeployment,
                        message: "\(input.fileName) line \(pack.request.line): \(error)")))
        }
        // Repeated inputs (the same bytes) are sent once; each line still gets its own embedding.
        var first: [ArraySlice<UInt8>: Int] = [:]
        var unique: [ArraySlice<UInt8>] = []
        let sources = elements.map { element in
            if let known = first[element] { return known }
            first[element] = unique.count
            unique.append(element)
            return unique.count - 1
        }
        let repeated = unique.count < elements.count
        let body = EmbeddingPackBody.build(template: template, inputRange: inputRange, elements: unique)
        do {
            var (answer, sentAt) = try await sendAuthenticated(
                url: url, content: .bytes(body), contentType: "application/json",
                timeout: timeout(pack.request.model))
            answer.latency = .milliseconds(max(0, clock.now.milliseconds - sentAt.milliseconds))
            guard answer.isSuccess else { return .packed(.answer(answer), .none) }
            let estimates = pack.members.map(\.request.cost)
            let framing = EmbeddingAnswerSplit.Framing(
                prefixes: pack.members.map { member in
                    OutputLine.answerPrefix(
                        id: OutputLine.id(job: job, line: member.request.line),
                        customID: member.request.customID, status: answer.status, requestID: answer.requestID)
                },
                suffix: OutputLine.answerSuffix)
            let split = EmbeddingAnswerSplit.split(
                answer.body, inputs: inputs, estimates: estimates, sources: repeated ? sources : nil,
                uniqueInputs: repeated ? unique.count : nil, framing: framing)
            switch split {
            case .success(let lines):
                let bytes = answer.body.count
                let usage = lines.reduce(into: TokenUsage()) { $0 += $1.usage }
                answer.body = []
                answer.bodyScan = BodyScan(isJSON: true, usage: usage)
                return .packed(.answer(answer), .lines(lines, answerBytes: bytes, sentWhole: !repeated))
            case .failure(let failure):
                // Not JSON to the retry policy: retried, and final only after the last attempt.
                answer.bodyScan = BodyScan(isJSON: false, usage: nil)
                return .packed(.answer(answer), .malformed(failure.reason))
            }
        } catch {
            return Self.result(of: error)
        }
    }

    /// How `request`'s line may be packed: read back and inspected once when it is loaded, so the
    /// dispatcher can group lines without a column in the store. Nil when it cannot be packed
    /// (not an embedding, or no longer readable: it is then sent alone, and checked as any line).
    public func packing(of request: PendingRequest) -> DispatchItem.Packing? {
        guard request.path == APIPath.embeddings.rawValue,
            let line = try? input.read(offset: request.offset, length: request.length),
            case .success(let parsed) = parser.parse(line)
        else { return nil }
        let shape = line.withUnsafeBytes { bytes in
            EmbeddingInput.inspect(body: UnsafeRawBufferPointer(rebasing: bytes[parsed.bodyRange]))
        }
        guard case .success(let shape) = shape else { return nil }
        return DispatchItem.Packing(key: shape.packKey, inputs: shape.elements.count)
    }
}
