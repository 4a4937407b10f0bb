import BatchSimulator
import Foundation
import Testing

/// The core issue's acceptance run: 10,000 lines mixing chat, responses and embeddings plus
/// malformed lines, against a simulator injecting 10 % faults and enforcing an RPM limit.
@Suite("acceptance: 10,000 lines with faults and a rate limit", .serialized)
struct AcceptanceTests {
    enum Form: String, CaseIterable, Sendable {
        case openAI, azure
    }

    @Test(arguments: Form.allCases)
    func tenThousandLines(form: Form) async throws {
        let sim = try await SimulatorHarness.start {
            $0.apiKey = "key"
            $0.rpm = 30_000
            $0.faults = FaultRates(
                serverError500: 0.03, serverError503: 0.03, dropConnection: 0.02, hang: 0.01,
                malformedJSON: 0.01)
            $0.hangDuration = .seconds(5)
            $0.rateLimitStyle = form == .azure ? .azure : .openAI
        }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = JobFiles.mixed(
            in: folder.path, name: "big.jsonl", count: 10_000,
            chatURL: form == .azure ? "/chat/completions" : "/v1/chat/completions")
        let environment =
            form == .azure ? sim.azureEnvironment(key: "key") : sim.openAIEnvironment(key: "key")

        let run = try await folder.batchctl(
            ["run", "--request-timeout", "1", "--concurrency", "32", job.path], environment: environment)

        #expect(run.status == 1, "only the malformed lines fail: \(run.stderr)")
        let outputs = try JobOutputs(input: job.path)
        #expect(outputs.unparsable.isEmpty)
        #expect(outputs.duplicates.isEmpty)
        #expect(outputs.results.count == job.ids.count)
        #expect(Set(outputs.results.keys) == Set(job.ids))
        #expect(outputs.errors.count + outputs.anonymousErrors.count == job.malformed.count)
        let report = try Report(path: folder.path + "/big.report.json")
        #expect(report.succeeded == job.ids.count)
        #expect(report.failed == 0)
        #expect(report.rejected == job.malformed.count)
        let stats = sim.simulator.stats
        #expect(report.attempts == stats.received, "every attempt reached the simulator once")
        #expect(stats.answered5xx + stats.dropped + stats.hung + stats.malformed > 0, "faults were injected")
        #expect(report.throttled == stats.answered429)
    }
}
