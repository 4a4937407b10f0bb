import Foundation
import Testing

/// Reads a job's output files and checks the exactly-once rule.
struct JobOutputs {
    /// Every line of the results file, parsed, keyed by custom_id (duplicates are kept in `duplicates`).
    var results: [String: [String: Any]] = [:]
    var errors: [String: [String: Any]] = [:]
    /// Error lines without a custom_id (rejected lines that had none).
    var anonymousErrors: [[String: Any]] = []
    var duplicates: [String] = []
    var unparsable: [String] = []

    init(input: String) throws {
        let stem = input.hasSuffix(".jsonl") ? String(input.dropLast(6)) : input
        for (file, isResults) in [(stem + ".results.jsonl", true), (stem + ".errors.jsonl", false)] {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                else {
                    unparsable.append(String(line))
                    continue
                }
                guard let customID = object["custom_id"] as? String else {
                    anonymousErrors.append(object)
                    continue
                }
                if results[customID] != nil || errors[customID] != nil { duplicates.append(customID) }
                if isResults { results[customID] = object } else { errors[customID] = object }
            }
            if !text.isEmpty && !text.hasSuffix("\n") {
                unparsable.append("(file does not end with a newline)")
            }
        }
    }

    var lineCount: Int { results.count + errors.count + anonymousErrors.count + duplicates.count }
}
