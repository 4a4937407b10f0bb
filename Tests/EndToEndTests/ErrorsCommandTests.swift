import BatchSimulator
import Foundation
import Testing

/// `batchctl errors` end to end: a job run against the simulator with a wrong key and bad lines.
@Suite("batchctl errors", .serialized)
struct ErrorsCommandTests {
    @Test("errors: grouped by code and status with counts, first lines and a sample; --lines CODE")
    func errorsGrouped() async throws {
        let sim = try await SimulatorHarness.start { $0.apiKey = "right" }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = JobFiles.mixed(in: folder.path, name: "errs.jsonl", count: 30)
        _ = try await folder.batchctl(["run", job.path], environment: sim.openAIEnvironment(key: "wrong"))

        let errors = try await folder.batchctl(["errors", "1", "--json"], environment: [:])
        let lines = try await folder.batchctl(
            ["errors", "1", "--lines", "invalid_api_key"], environment: [:])
        let text = try await folder.batchctl(["errors", "1"], environment: [:])

        #expect(errors.status == 0, "\(errors.stderr)")
        let view = try #require(
            try JSONSerialization.jsonObject(with: Data(errors.stdout.utf8)) as? [String: Any])
        let groups = try #require(view["groups"] as? [[String: Any]])
        #expect(view["lines"] as? Int == 30 + job.malformed.count)
        let auth = try #require(groups.first)
        #expect(auth["code"] as? String == "invalid_api_key")
        #expect(auth["status"] as? Int == 401)
        #expect(auth["count"] as? Int == 30)
        #expect((auth["sample_message"] as? String)?.hasPrefix("Incorrect API key provided") == true)
        #expect((auth["first_lines"] as? [Int])?.count == 5)
        let codes = Set(groups.compactMap { $0["code"] as? String })
        #expect(codes == Set(job.malformed.values).union(["invalid_api_key"]))
        let rejected = try #require(groups.first { $0["code"] as? String == "missing_model" })
        #expect(
            rejected["first_lines"] as? [Int]
                == job.malformed.filter { $0.value == "missing_model" }.map(\.key))
        #expect(rejected["status"] is NSNull)
        let numbers = lines.stdout.split(separator: "\n").compactMap { Int($0) }
        #expect(numbers.count == 30)
        #expect(Set(numbers).isDisjoint(with: job.malformed.keys))
        #expect(text.stdout.contains("invalid_api_key"))
    }
}
