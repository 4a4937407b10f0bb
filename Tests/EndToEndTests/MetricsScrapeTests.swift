import AsyncHTTPClient
import BatchCore
import BatchSimulator
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `/metrics` of a running `batchd`, scraped over HTTP while two jobs send (requests in flight,
/// 429s, 5xx, retries, tokens) and a third waits, and read by `promtool check metrics` (Debian's
/// `prometheus` package), which must find nothing: the format, HELP and TYPE of every family,
/// counter names, units.
@Suite(
    "metrics scraped from a running daemon, checked by promtool", .serialized,
    .enabled(if: ExternalTool.promtool.available, ExternalTool.promtool.skipMessage))
struct MetricsScrapeTests {
    private func writeJob(_ folder: TestFolder, _ name: String, count: Int, line: (String) -> String) throws
        -> String
    {
        let path = folder.path + "/\(name).jsonl"
        try ((0..<count).map { line("\(name)-\($0)") }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The samples of a scrape: `name{labels}` → value (labels as written).
    static func samples(_ text: String) -> [(series: String, value: Double)] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { return nil }
            return (String(line[..<space]), value)
        }
    }

    static func value(_ text: String, _ name: String, _ labels: [String] = []) -> [Double] {
        samples(text).filter { sample in
            (sample.series == name || sample.series.hasPrefix(name + "{"))
                && labels.allSatisfy { sample.series.contains($0) }
        }.map(\.value)
    }

    private func scrape(_ client: HTTPClient, port: Int) async throws -> String {
        let response = try await client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
        #expect(response.status == .ok)
        return String(buffer: try await response.body.collect(upTo: 16 << 20))
    }

    private func promtool(_ text: String, folder: TestFolder) async throws -> (status: Int32, output: String)
    {
        let result = try await ChildProcess.run(
            try ExternalTool.promtool.require(), ["check", "metrics"], folder: folder.path,
            timeout: .seconds(60),
            input: Data(text.utf8))
        return (result.status, result.stdout + result.stderr)
    }

    @Test("promtool check metrics finds nothing, during the run and after it")
    func promtoolFindsNothing() async throws {
        let sim = try await SimulatorHarness.start {
            $0.faults = FaultRates(serverError500: 0.1, random429: 0.1)
        }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let chat = try writeJob(folder, "chat", count: 60) { JobFiles.chat($0) }
        let embeddings = try writeJob(folder, "embed", count: 60) { JobFiles.embedding($0) }
        let waiting = try writeJob(folder, "later", count: 10) { JobFiles.chat($0, model: "gpt-4o") }
        let submit = try await folder.batchctl(
            [
                "submit", "--concurrency", "4", "--pack", "1", "--max-attempts", "8", chat, embeddings,
                waiting,
            ],
            environment: [:])
        #expect(submit.status == 0, "\(submit.stderr)")

        // 40 answers (some 429s and 500s among them), then requests stay in flight until released.
        sim.simulator.holdRequests(after: 40)
        let daemon = try ChildProcess(
            Binaries.batchd,
            [
                "--database", folder.database, "--poll-interval", "0.1", "--max-jobs", "2", "--drain-timeout",
                "30",
                "--metrics-address", "127.0.0.1:0",
            ],
            environment: sim.openAIEnvironment(), folder: folder.path)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var port = 0
            try await waitUntil("the daemon to say where its metrics are") {
                guard
                    let range = daemon.stderr.range(
                        of: #"http://127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression)
                else { return false }
                port =
                    Int(daemon.stderr[range].dropFirst("http://127.0.0.1:".count).dropLast("/metrics".count))
                    ?? 0
                return port > 0
            }
            await sim.simulator.waitUntilHeld(4)

            // Both running jobs' lanes have requests in flight, the third job is queued.
            var during = ""
            try await waitUntil("a scrape showing two lanes in flight and a queued job") {
                during = try await scrape(client, port: port)
                let inFlight = Self.value(during, "batchd_lane_in_flight").filter { $0 > 0 }
                return inFlight.count == 2 && Self.value(during, "batchd_jobs", [#"state="running""#]) == [2]
                    && Self.value(during, "batchd_jobs", [#"state="queued""#]) == [1]
            }
            for model in ["gpt-4o-mini", "text-embedding-3-small"] {
                let lane = [#"endpoint="default""#, #"model="\#(model)""#]
                #expect(Self.value(during, "batchd_lane_window", lane).first ?? 0 >= 1, "window of \(model)")
                #expect(
                    Self.value(during, "batchd_requests_finished_total", lane + [#"status="2xx""#]).first ?? 0
                        > 0,
                    "\(model) answered")
                #expect(Self.value(during, "batchd_request_duration_seconds_count", lane).first ?? 0 > 0)
                #expect(Self.value(during, "batchd_tokens_total", lane + [#"kind="input""#]).first ?? 0 > 0)
            }
            #expect(Self.value(during, "batchd_throttled_total").reduce(0, +) > 0, "429s were answered")
            #expect(Self.value(during, "batchd_retries_total").reduce(0, +) > 0, "429s and 500s were retried")
            #expect(Self.value(during, "batchd_pending_lines").first ?? 0 > 0)
            #expect(Self.value(during, "batchd_cost_usd_total").reduce(0, +) > 0)
            #expect(
                !during.contains("chat-") && !during.contains("embed-") && !during.contains("job="),
                "no custom_id, no job id in a label")

            let checked = try await promtool(during, folder: folder)
            #expect(
                checked.status == 0 && checked.output.isEmpty, "promtool during the run: \(checked.output)")

            sim.simulator.releaseHeld()
            try await waitUntil("every job to complete") {
                try (1...3).allSatisfy { try folder.job($0)?.state == .completed }
            }
            // Jobs by state are at most a second old: scrape until the count read after the end.
            var after = ""
            try await waitUntil("a scrape counting three completed jobs", timeout: .seconds(30)) {
                after = try await scrape(client, port: port)
                return Self.value(after, "batchd_jobs", [#"state="completed""#]) == [3]
            }
            #expect(Self.value(after, "batchd_jobs", [#"state="completed""#]) == [3])
            #expect(Self.value(after, "batchd_pending_lines") == [0])
            let finished = Self.value(after, "batchd_requests_finished_total").reduce(0, +)
            #expect(finished == 130, "every request of the three jobs, once")
            let checkedAfter = try await promtool(after, folder: folder)
            #expect(
                checkedAfter.status == 0 && checkedAfter.output.isEmpty,
                "promtool after the run: \(checkedAfter.output)")
        } catch {
            sim.simulator.releaseHeld()
            daemon.signal(SIGTERM)
            _ = await daemon.wait()
            try? await client.shutdown()
            throw error
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.wait() == 0, "\(daemon.stderr)")
        try await client.shutdown()
    }
}
