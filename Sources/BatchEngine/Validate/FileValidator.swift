import BatchCore

/// Checks one input file without sending anything (`batchctl validate`, `--dry-run`): every line
/// parsed as ingest would parse it, each `custom_id` checked for duplicates, each uploaded file
/// checked, and the requests counted with their token estimates per url and model.
///
/// Guarantees: reads the file once, streaming (memory: the reader's buffer plus one entry per
/// distinct `custom_id`); never touches the database or the network; a line it rejects is a line
/// ingest would reject, with the same code.
public struct FileValidator: Sendable {
    public var parser: BatchLineParser
    public var uploadPolicy: UploadPolicy

    public init(parser: BatchLineParser, uploadPolicy: UploadPolicy = UploadPolicy()) {
        var parser = parser
        parser.estimatesTokenCost = false  // the split estimate (``RequestTokens``) replaces it
        self.parser = parser
        self.uploadPolicy = uploadPolicy
    }

    /// Validates the file at `path`; throws ``FileReadError`` when it cannot be read.
    public func validate(path: String) throws -> FileValidation {
        let reader = try JSONLReader(path: path, maxLineBytes: parser.maxLineBytes)
        var pass = Pass(
            parser: parser, uploads: UploadForm(policy: uploadPolicy, inputPath: path),
            result: FileValidation(path: path))
        try reader.forEachLine { line in
            pass.take(line)
            return true
        }
        pass.result.facts.bytes = reader.bytesConsumed
        return pass.result
    }

    /// One pass over a file: what was found so far.
    private struct Pass {
        let parser: BatchLineParser
        let uploads: UploadForm
        var result: FileValidation
        var firstLineOf: [String: Int] = [:]
        var groups: [GroupKey: Int] = [:]

        mutating func take(_ line: JSONLLine) {
            result.lines += 1
            guard let bytes = line.bytes else {
                result.reject(line.number, .lineTooLong(length: line.length, limit: parser.maxLineBytes))
                return
            }
            switch parser.parseEstimating(bytes) {
            case .failure(let rejection):
                result.reject(line.number, rejection)
            case .success(let parsed):
                accept(parsed.request, parsed.tokens, line: line.number, bytes: bytes)
            }
        }

        private mutating func accept(
            _ request: BatchRequestLine, _ tokens: RequestTokens, line: Int, bytes: UnsafeRawBufferPointer
        ) {
            if let first = firstLineOf[request.customID] {
                result.reject(line, .duplicateCustomID(request.customID, firstLine: first))
                return
            }
            firstLineOf[request.customID] = line
            if request.path.sendsFile {
                do {
                    let (_, files) = try uploads.check(
                        body: Array(bytes[request.bodyRange]), path: request.path)
                    if files.contains(where: { $0.size > ProviderLimits.uploadBytes }) {
                        FileValidation.note(&result.facts.overlongUploads, line: line)
                    }
                } catch {
                    result.reject(line, error)
                    return
                }
            }
            let key = GroupKey(path: request.path, model: request.model)
            let index: Int
            if let known = groups[key] {
                index = known
            } else {
                index = result.groups.count
                groups[key] = index
                result.groups.append(
                    FileValidation.Group(url: "/v1/" + request.path.rawValue, model: request.model))
            }
            result.groups[index].tally += FileValidator.tally(tokens, path: request.path)
            result.facts.requests += 1
            if Int64(tokens.embeddingInputs) > ProviderLimits.embeddingInputs {
                FileValidation.note(&result.facts.overlongEmbeddings, line: line)
            }
            if !APIPath.batchAPI.contains(request.path) {
                FileValidation.note(&result.facts.unbatchable, line: line)
            }
        }
    }

    private struct GroupKey: Hashable {
        var path: APIPath
        var model: String
    }

    /// One request's share of its group's tally.
    static func tally(_ tokens: RequestTokens, path: APIPath) -> TokenTally {
        let audio = path == .audioTranscriptions || path == .audioTranslations
        return TokenTally(
            lines: 1, inputTokens: tokens.input, maxOutputTokens: tokens.maxOutput ?? 0,
            unboundedLines: tokens.maxOutput == nil ? 1 : 0, inputCharacters: tokens.characters,
            audioLines: audio ? 1 : 0)
    }
}

/// What ``FileValidator`` found in one file.
public struct FileValidation: Sendable, Equatable {
    public var path: String
    /// Non-blank lines read.
    public var lines = 0
    /// Rejected lines, in line order.
    public var rejects: [Reject] = []
    /// Requests per url and model, in order of first appearance.
    public var groups: [Group] = []
    /// What the provider limits are checked against.
    public var facts = ProviderLimits.Facts()

    public init(path: String) {
        self.path = path
    }

    public struct Reject: Sendable, Equatable {
        public var line: Int
        public var code: String
        public var reason: String
    }

    public struct Group: Sendable, Equatable {
        public var url: String
        public var model: String
        public var tally = TokenTally()
    }

    /// Valid lines: one request each.
    public var valid: Int { lines - rejects.count }

    mutating func reject(_ line: Int, _ rejection: LineRejection) {
        rejects.append(Reject(line: line, code: rejection.code, reason: rejection.reason))
    }

    static func note(_ entry: inout (count: Int64, firstLine: Int)?, line: Int) {
        if let current = entry { entry = (current.count + 1, current.firstLine) } else { entry = (1, line) }
    }
}
