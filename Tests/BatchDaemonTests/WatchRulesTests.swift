import BatchDaemon
import BatchEngine
import Testing

@Suite("drop folder: which names are inputs")
struct WatchRulesTests {
    @Test("plain *.jsonl names are inputs", arguments: ["a.jsonl", "nightly-2026-11-22.jsonl", "x.y.jsonl"])
    func inputs(name: String) {
        #expect(DropFileRules.isInput(name: name))
    }

    @Test(
        "partial files, dotfiles, other names and batchd's own outputs are not",
        arguments: [
            ".a.jsonl", ".a.jsonl.XYZ123", "a.jsonl.tmp", "a.jsonl.part", "a.jsonl~", "a.tmp", "a.part",
            "a.json", "a.jsonl.swp", ".jsonl", "a.results.jsonl", "a.errors.jsonl", "a.report.json",
            "a.job.json", "a.job.toml", "a.jsonl.crdownload",
        ])
    func notInputs(name: String) {
        #expect(!DropFileRules.isInput(name: name))
    }

    @Test("a sidecar is named after the input's stem, JSON first")
    func sidecarNames() {
        #expect(
            DropFileRules.sidecarNames(forInput: "part-1.jsonl") == ["part-1.job.json", "part-1.job.toml"])
    }
}
