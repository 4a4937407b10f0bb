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

    /// The documented schema of `errors --json`, field for field (the folder's path replaced).
    static let golden = """
        {
          "errors_file" : "FOLDER/golden.errors.jsonl",
          "groups" : [
            {
              "code" : "cancelled",
              "count" : 2,
              "first_lines" : [
                1,
                3
              ],
              "sample_message" : "cancelled by the user (batchctl cancel) before it had an answer",
              "status" : null
            },
            {
              "code" : "invalid_json_line",
              "count" : 1,
              "first_lines" : [
                2
              ],
              "sample_message" : "golden.jsonl line 2: not valid JSON at byte 1: expected a JSON object, found the word 'not'",
              "status" : null
            }
          ],
          "job" : 1,
          "lines" : 3
        }

        """

    @Test("--json: the documented schema (golden), on a job cancelled before it ran")
    func goldenJSON() async throws {
        let folder = try TestFolder()
        let path = folder.path + "/golden.jsonl"
        try ([JobFiles.chat("g1"), "not json", JobFiles.chat("g3")].joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        _ = try await folder.batchctl(["submit", path], environment: [:])
        _ = try await folder.batchctl(["cancel", "1"], environment: [:])

        let errors = try await folder.batchctl(["errors", "1", "--json"], environment: [:])
        let watch = try await folder.batchctl(["watch", "1", "--json"], environment: [:])

        #expect(errors.status == 0, "\(errors.stderr)")
        #expect(errors.stdout.replacingOccurrences(of: folder.path, with: "FOLDER") == Self.golden)
        #expect(watch.status == 2)
        #expect(
            watch.stdout
                == #"{"done":2,"errors":{"cancelled":2,"invalid_json_line":1},"eta_seconds":null,"job":1,"lines_per_second":null,"rejected":1,"state":"cancelled","state_code":"cancelled","throttled":0,"tokens_per_minute":null,"total":2}"#
                + "\n", "the documented schema of watch --json")
    }
}
