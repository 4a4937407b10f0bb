import BatchCore
import BatchStore
import BatchThreads

/// Reads a job's input once, streaming, and records one request per valid line; each bad line
/// becomes one line in the errors file naming the file, the line number and the reason.
///
/// Guarantees: each request records its line's ``LineHash``, so that the line is sent only while
/// it still holds those bytes; memory stays bounded by one chunk of lines whatever the file's size; progress is
/// committed every `chunkLines` lines in the same transaction as that chunk's requests and
/// rejected lines, so a crash resumes from the last commit without a duplicate or a lost line.
public struct Ingestor {
    public var parser: BatchLineParser
    public var chunkLines: Int
    /// Files that file-carrying lines may upload; a line naming a refused file is rejected
    /// (`invalid_file`).
    public var uploadPolicy: UploadPolicy

    public init(
        parser: BatchLineParser = BatchLineParser(acceptedPaths: APIPath.supported), chunkLines: Int = 16384,
        uploadPolicy: UploadPolicy = UploadPolicy()
    ) {
        self.parser = parser
        self.chunkLines = max(1, chunkLines)
        self.uploadPolicy = uploadPolicy
    }

    /// One line's verdict, kept until its chunk is committed.
    private enum Item {
        case request(NewRequest)
        case rejected(line: Int, customID: String?, LineRejection)
    }

    /// Ingests the rest of `job`'s input, appending rejected lines to `errors`. `afterChunk` runs
    /// after each committed chunk (the runner renews its lease there).
    public func run(
        job: JobRecord, store: Store, errors: OutputFile, afterChunk: () throws -> Void = {}
    ) throws {
        guard !job.ingest.done else { return }
        let path = job.inputPath
        try InputCheck.quickVerify(path: path, fingerprint: job.fingerprint)
        let reader: JSONLReader
        do {
            reader = try JSONLReader(
                path: path, startOffset: job.ingest.offset, startLine: job.ingest.line + 1,
                maxLineBytes: parser.maxLineBytes)
        } catch {
            throw BatchdError.inputUnreadable(path, reason: "\(error)")
        }
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let resumed = job.ingest.offset > 0
        let uploads = UploadForm(policy: uploadPolicy, inputPath: path)
        let read: () throws -> Chunk = { try readChunk(reader, uploads: uploads, resumed: resumed) }
        var chunk = try read()
        while true {
            let current = chunk
            let commitCurrent: () throws -> Void = {
                try self.commit(current, job: job.id, fileName: fileName, store: store, errors: errors)
            }
            if current.progress.done {
                try commitCurrent()
                try afterChunk()
                return
            }
            // The next chunk is read and parsed while this one is committed: the reader and the
            // store share nothing, and chunks are still committed one after the other, in order.
            chunk = try Overlap.run(read, alongside: commitCurrent)
            try afterChunk()
        }
    }

    /// Up to `chunkLines` classified lines and how far the input was read after them.
    private struct Chunk {
        var items: [Item]
        /// The requests among `items`, in order (gathered on the reading thread).
        var requests: [NewRequest]
        /// How many of `items` are rejected lines.
        var rejected: Int
        var progress: IngestProgress
        /// The input's content hash, once the end was reached.
        var hash: UInt64?
    }

    private func readChunk(_ reader: JSONLReader, uploads: UploadForm, resumed: Bool) throws -> Chunk {
        var items: [Item] = []
        items.reserveCapacity(chunkLines)
        try reader.forEachLine { line in
            items.append(classify(line, uploads: uploads))
            return items.count < chunkLines
        }
        let done = reader.reachedEndOfFile
        var hash: UInt64? = nil
        if done {
            hash = resumed ? try FileFingerprint.compute(path: reader.path).hash : reader.hasher.finalize()
        }
        var requests: [NewRequest] = []
        requests.reserveCapacity(items.count)
        for item in items {
            if case .request(let request) = item { requests.append(request) }
        }
        return Chunk(
            items: items, requests: requests, rejected: items.count - requests.count,
            progress: IngestProgress(
                offset: reader.bytesConsumed, line: reader.nextLineNumber - 1, done: done),
            hash: hash)
    }

    private func classify(_ line: JSONLLine, uploads: UploadForm) -> Item {
        guard let bytes = line.bytes else {
            return .rejected(
                line: line.number, customID: nil,
                .lineTooLong(length: line.length, limit: parser.maxLineBytes))
        }
        switch parser.parse(bytes) {
        case .success(let parsed):
            if parsed.path == .embeddings,
                case .failure(let rejection) = EmbeddingInput.inspect(
                    body: UnsafeRawBufferPointer(rebasing: bytes[parsed.bodyRange]))
            {
                // Refused by the server whatever it is packed with: rejected here, with its line.
                return .rejected(line: line.number, customID: parsed.customID, rejection)
            }
            if parsed.path.sendsFile {
                do {
                    _ = try uploads.check(body: Array(bytes[parsed.bodyRange]), path: parsed.path)
                } catch {
                    return .rejected(line: line.number, customID: parsed.customID, error)
                }
            }
            return .request(
                NewRequest(
                    line: line.number, offset: line.offset, length: line.length, customID: parsed.customID,
                    path: parsed.path.rawValue, model: parsed.model, cost: parsed.tokenCost,
                    lineHash: LineHash.of(bytes)))
        case .failure(let rejection):
            return .rejected(line: line.number, customID: Self.bestEffortCustomID(bytes), rejection)
        }
    }

    private func commit(_ chunk: Chunk, job: Int64, fileName: String, store: Store, errors: OutputFile) throws
    {
        let requests = chunk.requests
        try store.commitIngest(job: job, requests: requests, progress: chunk.progress, hash: chunk.hash) {
            refused in
            var duplicates = Dictionary(
                refused.map { (requests[$0.index].line, $0.firstLine) },
                uniquingKeysWith: { first, _ in first })
            var rejectedLines: [UInt8] = []
            var rejectedCount = 0
            // Error lines in line order; nothing to do for a chunk without one.
            for item in chunk.rejected + duplicates.count > 0 ? chunk.items : [] {
                var rejection: (line: Int, customID: String?, LineRejection)?
                switch item {
                case .request(let request):
                    if let first = duplicates.removeValue(forKey: request.line) {
                        rejection = (
                            request.line, request.customID,
                            .duplicateCustomID(request.customID, firstLine: first)
                        )
                    }
                case .rejected(let line, let customID, let reason):
                    rejection = (line, customID, reason)
                }
                if let (line, customID, reason) = rejection {
                    rejectedCount += 1
                    rejectedLines += OutputLine.failure(
                        id: OutputLine.id(job: job, line: line), customID: customID, code: reason.code,
                        message: "\(fileName) line \(line): \(reason.reason)")
                }
            }
            if !rejectedLines.isEmpty {
                try errors.append(rejectedLines)
                try errors.sync()
            }
            return (rejectedCount, errors.length)
        }
    }

    /// The `custom_id` of a rejected line when it has a readable one, so its error line can be joined.
    static func bestEffortCustomID(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let members = try? JSONScanner.topLevelMembers(bytes),
            let member = members.first(where: { $0.key == "custom_id" && $0.kind == .string }),
            let text = try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: bytes[member.range])),
            !text.isEmpty
        else { return nil }
        return text
    }
}
