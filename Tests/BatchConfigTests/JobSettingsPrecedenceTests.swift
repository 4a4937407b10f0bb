import BatchConfig
import BatchCore
import Foundation
import Testing

/// The one test of the precedence `Settings.resolved(job:endpoint:model:)` documents: for every
/// key of the job settings, each level wins over every level below it.
@Suite("job settings: one precedence for every key")
struct JobSettingsPrecedenceTests {
    /// Levels, most specific first, as the doc table numbers them.
    enum Level: Int, CaseIterable, Sendable {
        case job = 1, deployment, endpoint, topLevel, builtIn
    }

    /// A config where the top level, the endpoint `east` and its deployment `m` each set every
    /// sending key to a value of their own; keys of levels above `winner` are left out.
    static func settings(winner: Level) throws -> (Settings, JobSettings) {
        func values(_ level: Level) -> String {
            let n = level.rawValue
            return """
                "concurrency": \(n), "rpm": \(n * 100), "tpm": \(n * 1000), "max_attempts": \(n + 10),
                "request_timeout_seconds": \(n * 10), "embedding_inputs_per_request": \(n + 20)
                """
        }
        func include(_ level: Level) -> Bool { level.rawValue >= winner.rawValue }
        let deployment = include(.deployment) ? "{\(values(.deployment))}" : "{}"
        let endpoint = include(.endpoint) ? values(.endpoint) + "," : ""
        let top = include(.topLevel) ? values(.topLevel) + "," : ""
        let json = """
            {\(top) "endpoints": {"east": {\(endpoint) "type": "openai", "url": "http://127.0.0.1:9/v1",
              "deployments": {"m": \(deployment)}}}}
            """
        let file = try ConfigFile.decode(Data(json.utf8), path: "config.json")
        let n = Level.job.rawValue
        let job =
            include(.job)
            ? JobSettings(
                concurrency: n, rpm: n * 100, tpm: n * 1000, maxAttempts: n + 10,
                requestTimeoutSeconds: Double(n * 10), embeddingInputsPerRequest: n + 20) : JobSettings()
        return (Settings(file: file, environment: [:]), job)
    }

    @Test("each level wins over the levels below it, key by key", arguments: Level.allCases)
    func levelWins(winner: Level) throws {
        let (settings, job) = try Self.settings(winner: winner)
        let lane = settings.laneSettings(endpoint: "east", model: "m", job: job)
        let policy = settings.retryPolicy(job: job, endpoint: "east", model: "m")
        let timeout = settings.requestTimeout(job: job, endpoint: "east", model: "m")
        let pack = settings.embeddingInputsPerRequest(job: job, endpoint: "east", model: "m")
        guard winner != .builtIn else {
            #expect(lane.concurrency == Settings.defaultConcurrency && lane.cautiousStart)
            #expect(lane.rpm == nil && lane.tpm == nil)
            #expect(policy.maxAttempts == Settings.defaultMaxAttempts)
            #expect(timeout == Settings.defaultRequestTimeout)
            #expect(pack == Settings.defaultEmbeddingInputsPerRequest)
            return
        }
        let n = winner.rawValue
        #expect(lane.concurrency == n && !lane.cautiousStart)
        #expect(lane.rpm == n * 100)
        #expect(lane.tpm == n * 1000)
        #expect(policy.maxAttempts == n + 10)
        #expect(timeout == .seconds(n * 10))
        #expect(pack == n + 20)
    }

    @Test("a deployment's settings apply to its own model only")
    func otherModel() throws {
        let (settings, _) = try Self.settings(winner: .deployment)
        let lane = settings.laneSettings(endpoint: "east", model: "other", job: JobSettings())
        #expect(lane.concurrency == Level.endpoint.rawValue)
    }

    @Test("a job's own settings: a sidecar over its folder, field by field")
    func sidecarOverFolder() {
        let folder = JobSettings(endpoint: "east", priority: 3, concurrency: 8, maxAttempts: 5)
        let sidecar = JobSettings(priority: 9, rpm: 60)
        #expect(
            sidecar.over(folder)
                == JobSettings(endpoint: "east", priority: 9, concurrency: 8, rpm: 60, maxAttempts: 5))
    }
}
