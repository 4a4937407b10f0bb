/// Which names in a drop folder are inputs: the pure rule, no filesystem access.
///
/// Guarantees: only `*.jsonl` names are inputs; dotfiles (rsync and editor temporaries),
/// names ending in `~`, `.tmp`, `.part`, `.partial`, `.crdownload`, `.swp`, and batchd's own
/// outputs (`*.results.jsonl`, `*.errors.jsonl`, `*.report.json`) never are.
public enum DropFileRules {
    /// Suffixes of files batchd writes beside an input.
    public static let outputSuffixes = [".results.jsonl", ".errors.jsonl", ".report.json"]
    /// Suffixes of files still being written by common copy tools.
    public static let partialSuffixes = [".tmp", ".part", ".partial", ".crdownload", ".swp", "~"]

    /// Whether a file called `name` (no folder) may become a job.
    public static func isInput(name: String) -> Bool {
        guard !name.hasPrefix("."), name.hasSuffix(".jsonl"), name.count > ".jsonl".count else {
            return false
        }
        if outputSuffixes.contains(where: { name.hasSuffix($0) }) { return false }
        return !partialSuffixes.contains(where: { name.hasSuffix($0) })
    }

    /// The sidecar names that may carry settings for the input `name`, in order of preference:
    /// `<stem>.job.json`, then `<stem>.job.toml`.
    public static func sidecarNames(forInput name: String) -> [String] {
        let stem = name.hasSuffix(".jsonl") ? String(name.dropLast(".jsonl".count)) : name
        return [stem + ".job.json", stem + ".job.toml"]
    }
}
