import Foundation
import Testing

/// `batchctl validate` and `--dry-run`: the built binary, no server at all.
@Suite("batchctl validate")
struct ValidateCommandTests {
    /// Eight chat lines for gpt-4o-mini (5 input tokens and max_tokens 16 each) and one bad line.
    static func writeJob(_ folder: TestFolder) throws -> String {
        var lines = (0..<8).map { JobFiles.chat("v\($0)") }
        lines.insert(#"{"custom_id":"nm","method":"POST","url":"/v1/chat/completions","body":{}}"#, at: 3)
        let path = folder.path + "/job.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The documented schema of `validate --json`, field for field.
    static let golden = """
        {
          "files" : [
            {
              "bytes" : 1442,
              "file" : "job.jsonl",
              "limits" : [

              ],
              "lines" : 9,
              "rejected" : 1,
              "rejects" : [
                {
                  "code" : "missing_model",
                  "line" : 4,
                  "reason" : "body.model is missing"
                }
              ],
              "requests" : [
                {
                  "input_tokens" : 40,
                  "lines" : 8,
                  "max_output_tokens" : 128,
                  "model" : "gpt-4o-mini",
                  "unbounded_lines" : 0,
                  "url" : "/v1/chat/completions"
                }
              ],
              "valid" : 8
            }
          ],
          "models" : [
            {
              "audio_lines" : 0,
              "batch" : {
                "high" : 4.1e-05,
                "low" : 3e-06
              },
              "input_tokens" : 40,
              "lines" : 8,
              "live" : {
                "high" : 8.3e-05,
                "low" : 6e-06
              },
              "max_output_tokens" : 128,
              "model" : "gpt-4o-mini",
              "price_date" : "2025-08-20",
              "price_source" : "https://platform.openai.com/docs/pricing",
              "priced_as" : "gpt-4o-mini",
              "unbounded_lines" : 0
            }
          ],
          "total" : {
            "batch" : {
              "high" : 4.1e-05,
              "low" : 3e-06
            },
            "input_tokens" : 40,
            "lines" : 9,
            "live" : {
              "high" : 8.3e-05,
              "low" : 6e-06
            },
            "max_output_tokens" : 128,
            "no_batch_price_models" : [

            ],
            "rejected" : 1,
            "unpriced_models" : [

            ],
            "valid" : 8
          }
        }

        """

    @Test("--json: the documented schema (golden), exit 1 for the rejected line")
    func goldenJSON() async throws {
        let folder = try TestFolder()
        _ = try Self.writeJob(folder)

        let run = try await folder.batchctl(["validate", "--json", "job.jsonl"], environment: [:])

        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout == Self.golden)
    }

    @Test("text: each rejected line as file:line: code: reason, the cost per model and in total")
    func text() async throws {
        let folder = try TestFolder()
        _ = try Self.writeJob(folder)

        let run = try await folder.batchctl(["validate", "job.jsonl"], environment: [:])

        #expect(run.status == 1)
        #expect(run.stdout.contains("job.jsonl:4: missing_model: body.model is missing\n"))
        #expect(
            run.stdout.contains(
                "/v1/chat/completions  gpt-4o-mini: 8 requests, ~40 input tokens, at most 128 output tokens"))
        #expect(
            run.stdout.contains(
                "gpt-4o-mini: 8 requests, live $0.000006 … $0.000083, batch $0.000003 … $0.000041"))
    }

    @Test("a valid file exits 0; a model with no price says no price, never $0")
    func noPrice() async throws {
        let folder = try TestFolder()
        let path = folder.path + "/own.jsonl"
        try (JobFiles.chat("o1", model: "my-finetune") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)

        let run = try await folder.batchctl(["validate", "own.jsonl"], environment: [:])

        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("my-finetune: 1 request, no price"))
        #expect(run.stdout.contains("live no price, batch no price"))
    }

    @Test("run --dry-run and submit --dry-run: the same report, no job, nothing sent, no endpoint needed")
    func dryRun() async throws {
        let folder = try TestFolder()
        _ = try Self.writeJob(folder)

        let validate = try await folder.batchctl(["validate", "job.jsonl"], environment: [:])
        let run = try await folder.batchctl(["run", "--dry-run", "job.jsonl"], environment: [:])
        let submit = try await folder.batchctl(
            ["submit", "--dry-run", "--json", "job.jsonl"], environment: [:])
        let list = try await folder.batchctl(["list", "--json"], environment: [:])

        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout == validate.stdout)
        #expect(submit.status == 1)
        #expect(submit.stdout == Self.golden)
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])
        #expect(jobs.isEmpty, "no job was queued")
        #expect(
            !FileManager.default.fileExists(atPath: folder.path + "/job.errors.jsonl"), "no output written")
    }
}
