import BatchSimulator
import Foundation
import Testing

/// `batchctl run --ordered` end to end.
@Suite("batchctl run --ordered", .serialized)
struct OrderedRunTests {
    @Test("--ordered: both output files in input line order once the job completes")
    func ordered() async throws {
        let sim = try await SimulatorHarness.start { $0.latencyJitter = .milliseconds(20) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = JobFiles.mixed(in: folder.path, name: "ordered.jsonl", count: 200)

        let run = try await folder.batchctl(
            ["run", "--ordered", "--concurrency", "16", job.path], environment: sim.openAIEnvironment())

        #expect(run.status == 1, "\(run.stderr)")
        for file in ["ordered.results.jsonl", "ordered.errors.jsonl"] {
            let text = try String(contentsOfFile: folder.path + "/" + file, encoding: .utf8)
            let numbers = text.split(separator: "\n").compactMap { line -> Int? in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return (object?["id"] as? String)?.split(separator: "_").last.flatMap { Int($0) }
            }
            #expect(numbers == numbers.sorted(), "\(file)")
        }
        let outputs = try JobOutputs(input: job.path)
        #expect(Set(outputs.results.keys) == Set(job.ids))
        #expect(outputs.duplicates.isEmpty)
    }
}
