/// The output paths batchd writes next to an input file.
///
/// For `dir/nightly.jsonl` these are `dir/nightly.results.jsonl`, `dir/nightly.errors.jsonl` and
/// `dir/nightly.report.json`. The stem is the file name without a final `.jsonl`, or the whole
/// name if it does not end in `.jsonl`. Pure string manipulation: the directory part is kept
/// exactly as given and nothing touches the file system.
public struct OutputFiles: Sendable, Equatable {
    /// Path of the results file (`<stem>.results.jsonl`).
    public let results: String
    /// Path of the errors file (`<stem>.errors.jsonl`).
    public let errors: String
    /// Path of the run report (`<stem>.report.json`).
    public let report: String

    /// Derives the output paths for the input file at `input`.
    public init(input: String) {
        let stem =
            input.hasSuffix(".jsonl") && !Self.fileName(of: input).elementsEqual(".jsonl")
            ? String(input.dropLast(6)) : input
        results = stem + ".results.jsonl"
        errors = stem + ".errors.jsonl"
        report = stem + ".report.json"
    }

    private static func fileName(of path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return Substring(path) }
        return path[path.index(after: slash)...]
    }
}
