import ArgumentParser
import BatchCore
import BatchTransport
import Foundation

/// `batchd-http-floor`: the cost of HTTP alone, as a reference for `scripts/bench throughput`.
///
/// Sends `--requests` copies of one chat request through batchd's own ``AsyncHTTPTransport``
/// (async-http-client, configured as for `batchctl run`, except that the pool holds exactly
/// `--concurrency` connections where `batchctl run` allows four times its concurrency for several
/// lanes), `--concurrency` at a time, and nothing else: no job file, no database, no scheduling.
/// The client CPU it takes per request is the floor under what `batchctl run` can reach on the
/// same machine against the same server. `--rate` paces the starts (one every 1/rate seconds), as
/// a lane's budget paces them, for the floor of paced sending; `--group K` starts them K at a time
/// (every K/rate seconds), as a budget's coalesced wakeups do.
@main
struct HTTPFloor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchd-http-floor",
        abstract: "Sends one request many times through batchd's HTTP transport, to measure HTTP's own cost.")

    @Option(help: "The URL to POST to, e.g. http://127.0.0.1:8080/v1/chat/completions.")
    var url: String
    @Option(help: "How many requests to send.")
    var requests = 20_000
    @Option(help: "Requests in flight at once.")
    var concurrency = 64
    @Option(help: "Send this file's bytes as the JSON body instead of a small chat request.")
    var bodyFile: String?
    @Option(help: "Start at most this many requests a second (default: as fast as answers come).")
    var rate: Double?
    @Option(help: "With --rate: start requests this many at a time, every group/rate seconds.")
    var group = 1

    func validate() throws {
        guard requests >= 1, concurrency >= 1 else {
            throw ValidationError("--requests and --concurrency must be at least 1")
        }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0") }
        guard group >= 1 else { throw ValidationError("--group must be at least 1") }
    }

    func run() async throws {
        let transport = AsyncHTTPTransport(connectionsPerHost: concurrency)
        var body = Array(
            #"{"model":"gpt-4o-mini","max_tokens":8,"messages":[{"role":"user","content":"Write a short line."}]}"#
                .utf8)
        if let bodyFile { body = Array(try Data(contentsOf: URL(fileURLWithPath: bodyFile))) }
        let request = OutboundRequest(
            url: url, headers: ["Content-Type": "application/json", "Authorization": "Bearer floor"],
            body: body)
        let failed =
            if let rate {
                try await Self.paced(
                    request, through: transport, requests: requests, rate: rate, group: group)
            } else {
                try await Self.closedLoop(
                    request, through: transport, requests: requests, concurrency: concurrency)
            }
        try await transport.shutdown()
        print("batchd-http-floor: \(requests) requests, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    /// `concurrency` in flight, the next sent as each answer comes: how many failed.
    static func closedLoop(
        _ request: OutboundRequest, through transport: AsyncHTTPTransport, requests: Int, concurrency: Int
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var (started, failed) = (0, 0)
            func send() {
                started += 1
                group.addTask { await Self.succeeds(request, through: transport) }
            }
            while started < min(concurrency, requests) { send() }
            while let succeeded = try await group.next() {
                if !succeeded { failed += 1 }
                if started < requests { send() }
            }
            return failed
        }
    }

    /// Request i started at `(i - i % group) / rate` seconds, whatever is in flight: how many failed.
    static func paced(
        _ request: OutboundRequest, through transport: AsyncHTTPTransport, requests: Int, rate: Double,
        group: Int
    ) async throws -> Int {
        let clock = ContinuousClock()
        let start = clock.now
        return try await withThrowingTaskGroup(of: Bool.self) { tasks in
            for index in 0..<requests {
                if index % group == 0 {
                    try await clock.sleep(until: start.advanced(by: .seconds(Double(index) / rate)))
                }
                tasks.addTask { await Self.succeeds(request, through: transport) }
            }
            var failed = 0
            for try await succeeded in tasks where !succeeded { failed += 1 }
            return failed
        }
    }

    static func succeeds(_ request: OutboundRequest, through transport: AsyncHTTPTransport) async -> Bool {
        let answer = try? await transport.send(request, timeout: .seconds(30))
        return answer?.isSuccess ?? false
    }
}
