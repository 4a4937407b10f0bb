import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Foundation
import Logging

@testable import BatchStore

/// A store, an input folder, a manual clock and a scripted transport for job runner tests.
struct RunnerFixture {
    static let baseURL = "http://127.0.0.1:9/v1"
    let directory: TemporaryDirectory
    let store: Store
    let clock = ManualClock()

    init() throws {
        directory = try TemporaryDirectory()
        store = try Store(path: directory.path("batchd.sqlite"))
    }

    /// The content a chat line for `customID` asks about; answers echo it.
    static func content(for customID: String) -> String { "content of \(customID)" }

    /// Writes one chat line per custom id and returns the input's path.
    func writeInput(_ name: String = "input.jsonl", customIDs: [String]) -> String {
        directory.write(
            name, lines: customIDs.map { JobFixtures.chatLine(customID: $0, content: Self.content(for: $0)) })
    }

    func submit(_ path: String, options: JobSettings = JobSettings()) async throws -> JobRecord {
        try await Submitter(store: store, clock: clock).submit(
            path: path, settings: options)
    }

    func environment(
        _ transport: any HTTPTransport, lease: Duration = .seconds(30), config: ConfigFile = ConfigFile()
    ) -> RunEnvironment {
        RunEnvironment(
            store: store, settings: Settings(file: config, environment: ["OPENAI_BASE_URL": Self.baseURL]),
            transport: transport,
            clock: clock, logger: Logger(label: "batchd.test") { _ in SwiftLogNoOpLogHandler() },
            identity: RunOwner(
                pid: ProcessInfo.processInfo.processIdentifier, token: UUID().uuidString),
            lease: lease, random: { 0 })
    }

    func runner(
        _ job: JobRecord, _ transport: any HTTPTransport, lease: Duration = .seconds(30),
        config: ConfigFile = ConfigFile()
    ) -> JobRunner {
        JobRunner(jobID: job.id, environment: environment(transport, lease: lease, config: config))
    }

    func job(_ id: Int64) throws -> JobRecord? {
        try store.read { try $0.job(id) }
    }

    func pending(_ id: Int64) throws -> [PendingRequest] {
        try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 10_000) }
    }

    /// The parsed lines of an output file.
    static func objects(_ path: String) -> [[String: Any]] {
        JobFixtures.lines(ofFile: path).compactMap { JobFixtures.object($0) }
    }

    // MARK: Answers

    /// The `messages[0].content` of a chat request's body.
    static func content(of request: OutboundRequest) -> String {
        guard let body = JobFixtures.object(String(decoding: request.body, as: UTF8.self)),
            let messages = body["messages"] as? [[String: Any]],
            let content = messages.first?["content"] as? String
        else { return "" }
        return content
    }

    /// Prompt tokens the `ok` answer reports for a request.
    static func promptTokens(_ content: String) -> Int { content.utf8.count }

    /// A 200 answer echoing the request's content, with usage and a request id.
    static func ok(_ request: OutboundRequest) -> HTTPAnswer {
        let content = content(of: request)
        let object: [String: Any] = [
            "id": "chatcmpl-1", "object": "chat.completion", "echo": content,
            "usage": [
                "prompt_tokens": promptTokens(content), "completion_tokens": 2,
                "total_tokens": promptTokens(content) + 2,
            ],
        ]
        let body = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        return HTTPAnswer(status: 200, headers: ["x-request-id": "req-\(content)"], body: Array(body))
    }

    static let insufficientQuota = HTTPAnswer.json(
        429,
        #"{"error":{"code":"insufficient_quota","message":"You exceeded your current quota","type":"insufficient_quota"}}"#
    )
}
