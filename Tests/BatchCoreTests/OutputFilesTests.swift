import Testing

@testable import BatchCore

@Suite("OutputFiles")
struct OutputFilesTests {
    static let cases: [(String, String)] = [
        ("dir/nightly.jsonl", "dir/nightly"),
        ("/abs/path/a.b.jsonl", "/abs/path/a.b"),
        ("nightly.jsonl", "nightly"),
        ("dir/nightly.json", "dir/nightly.json"),
        ("dir/nightly", "dir/nightly"),
        ("dir.jsonl/data", "dir.jsonl/data"),
        ("x.JSONL", "x.JSONL"),
        ("x.jsonl.jsonl", "x.jsonl"),
        ("dir/.jsonl", "dir/.jsonl"),
    ]

    @Test(arguments: cases)
    func derivesNamesFromTheStem(input: String, stem: String) {
        let files = OutputFiles(input: input)
        #expect(files.results == stem + ".results.jsonl")
        #expect(files.errors == stem + ".errors.jsonl")
        #expect(files.report == stem + ".report.json")
    }
}
