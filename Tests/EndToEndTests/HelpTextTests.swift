import Foundation
import Testing

/// `--help` as a person reads it: argument-parser wraps each paragraph to the width itself, so a
/// line break written into the source text shows up as a ragged line.
@Suite("help texts")
struct HelpTextTests {
    @Test(
        "overviews are wrapped by the parser, not by the source: no line ends where the next word would fit",
        arguments: [
            (Binaries.batchctl, [String]()), (Binaries.batchctl, ["run"]), (Binaries.batchd, [String]()),
            (Binaries.batchctl, ["validate"]), (Binaries.batchctl, ["errors"]),
            (Binaries.batchctl, ["pause"]),
            (Binaries.batchctl, ["cancel"]), (Binaries.batchctl, ["rm"]), (Binaries.batchctl, ["clean"]),
            (Binaries.batchctl, ["watch"]), (Binaries.batchctl, ["retry"]),
        ])
    func overviewsAreNotRagged(binary: String, subcommand: [String]) async throws {
        let folder = NSTemporaryDirectory()
        let (status, stdout, _) = try await ChildProcess.run(
            binary, subcommand + ["--help"], environment: ["COLUMNS": "100", "PATH": "/usr/bin:/bin"],
            folder: folder)
        #expect(status == 0)
        let overview = try #require(Self.overview(stdout))
        let width = overview.map(\.count).max() ?? 0
        for (line, next) in zip(overview, overview.dropFirst()) where !line.isEmpty && !next.isEmpty {
            let firstWord = next.split(separator: " ").first.map(String.init) ?? ""
            #expect(
                line.count + 1 + firstWord.count > width,
                "ragged: \"\(line)\" is followed by \"\(firstWord)\", which would have fit")
        }
    }

    @Test("batchctl's help says how to get shell completions")
    func completionsAreMentioned() async throws {
        let (_, stdout, _) = try await ChildProcess.run(
            Binaries.batchctl, ["--help"], environment: ["PATH": "/usr/bin:/bin"],
            folder: NSTemporaryDirectory())
        #expect(stdout.contains("--generate-completion-script"))
    }

    /// The lines of the OVERVIEW section, up to USAGE.
    static func overview(_ help: String) -> [String]? {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("OVERVIEW:") }),
            let end = lines.firstIndex(where: { $0.hasPrefix("USAGE:") })
        else { return nil }
        return lines[(start + 1)..<end].map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
