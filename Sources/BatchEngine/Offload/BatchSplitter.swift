import BatchCore

/// One provider batch's worth of lines: every line has the same operation and model.
public struct BatchPart: Sendable, Equatable {
    public var path: APIPath
    public var model: String
    /// Input lines, ascending (the order of the upload's lines).
    public var lines: [Int]
    /// The upload's bytes: each upload line plus its LF.
    public var bytes: Int64
    /// Embedding inputs summed over the lines.
    public var embeddingInputs: Int
}

/// The caps one part keeps under: the provider's, or lower ones from the job's settings.
public struct BatchCaps: Sendable, Equatable {
    public var lines: Int
    public var bytes: Int64
    public var embeddingInputs: Int

    public init(lines: Int, bytes: Int64, embeddingInputs: Int = BatchAPILimits.embeddingInputs) {
        self.lines = max(1, lines)
        self.bytes = max(1, bytes)
        self.embeddingInputs = max(1, embeddingInputs)
    }
}

/// Splits a job's batch-bound lines into parts: one part per (operation, model) open at a time,
/// sealed when the next line would take it over a cap.
///
/// A pure state machine: ``add(line:path:model:uploadBytes:embeddingInputs:)`` returns the part it
/// sealed, if any; ``finish()`` seals the rest. Guarantees: every added line is in exactly one
/// part or in ``Outcome/live``; lines of a part are ascending when added in line order; no part
/// exceeds a cap, except that a line alone over the bytes cap is not put in any part (it runs
/// live: the provider would refuse the file).
public struct BatchSplitter: Sendable {
    /// What an added line became.
    public enum Outcome: Sendable, Equatable {
        /// Added to the open part of its (operation, model); `sealed` is the part it closed first.
        case added(sealed: BatchPart?)
        /// Too large for any upload under the caps: send it live.
        case live
    }

    private struct Key: Hashable {
        var path: APIPath
        var model: String
    }

    public let caps: BatchCaps
    private var open: [Key: BatchPart] = [:]
    /// Keys in the order their part was opened, so ``finish()`` is deterministic.
    private var order: [Key] = []

    public init(caps: BatchCaps) {
        self.caps = caps
    }

    /// Adds `line`, whose upload line is `uploadBytes` long (without its LF).
    public mutating func add(
        line: Int, path: APIPath, model: String, uploadBytes: Int, embeddingInputs: Int = 0
    ) -> Outcome {
        let size = Int64(uploadBytes) + 1
        guard size <= caps.bytes, embeddingInputs <= caps.embeddingInputs else { return .live }
        let key = Key(path: path, model: model)
        var sealed: BatchPart?
        if let part = open[key],
            part.lines.count + 1 > caps.lines || part.bytes + size > caps.bytes
                || part.embeddingInputs + embeddingInputs > caps.embeddingInputs
        {
            sealed = part
            open[key] = nil
            order.removeAll { $0 == key }
        }
        if open[key] == nil {
            open[key] = BatchPart(path: path, model: model, lines: [], bytes: 0, embeddingInputs: 0)
            order.append(key)
        }
        open[key]!.lines.append(line)
        open[key]!.bytes += size
        open[key]!.embeddingInputs += embeddingInputs
        return .added(sealed: sealed)
    }

    /// Seals and returns every open part, in the order they were opened.
    public mutating func finish() -> [BatchPart] {
        defer {
            open = [:]
            order = []
        }
        return order.compactMap { open[$0] }
    }
}
