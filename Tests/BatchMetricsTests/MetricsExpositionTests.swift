import AsyncHTTPClient
import BatchCore
import BatchEngine
import BatchMetrics
import NIOCore
import NIOHTTP1
import Testing

/// `/metrics` as a scraper sees it: served on 127.0.0.1, in the Prometheus text format (checked
/// by parsing it, as `promtool check metrics` would), with the series and labels batchd promises.
@Suite("Metrics: exposition and server")
struct MetricsExpositionTests {
    static let lane = LaneKey(endpoint: "default", model: "gpt-4o-mini")

    /// A parsed exposition: per family its HELP, TYPE and samples.
    struct Exposition {
        struct Sample {
            var name: String
            var labels: [String: String]
            var value: Double
        }
        var help: [String: String] = [:]
        var type: [String: String] = [:]
        var samples: [Sample] = []

        /// Parses `text`, recording every line that breaks the format.
        init(_ text: String) {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.isEmpty { continue }
                if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                    let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                    guard parts.count == 2 else {
                        Issue.record("malformed comment: \(line)")
                        continue
                    }
                    let name = String(parts[0])
                    if line.hasPrefix("# HELP ") {
                        #expect(help[name] == nil, "one HELP per family: \(name)")
                        help[name] = String(parts[1])
                    } else {
                        #expect(type[name] == nil, "one TYPE per family: \(name)")
                        #expect(["counter", "gauge", "histogram"].contains(parts[1]), "type of \(name)")
                        type[name] = String(parts[1])
                    }
                    continue
                }
                #expect(!line.hasPrefix("#"), "only HELP and TYPE comments: \(line)")
                guard let sample = Self.sample(line) else {
                    Issue.record("malformed sample: \(line)")
                    continue
                }
                samples.append(sample)
            }
        }

        static func sample(_ line: Substring) -> Sample? {
            let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
            let name = String(line[..<nameEnd])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }),
                name.first?.isNumber == false
            else { return nil }
            var rest = line[nameEnd...]
            var labels: [String: String] = [:]
            if rest.hasPrefix("{") {
                guard let close = rest.firstIndex(of: "}") else { return nil }
                for pair in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\""),
                        parts[1].count >= 2
                    else { return nil }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
                rest = rest[rest.index(after: close)...]
            }
            guard rest.hasPrefix(" "),
                let value = Double(rest.dropFirst().split(separator: " ")[0])
                    ?? (rest.hasSuffix("+Inf") ? .infinity : nil)
            else { return nil }
            return Sample(name: name, labels: labels, value: value)
        }

        /// The family a sample belongs to (a histogram's `_bucket`, `_sum` and `_count` are its own).
        func family(of sample: Sample) -> String {
            for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
                let base = String(sample.name.dropLast(suffix.count))
                if type[base] == "histogram" { return base }
            }
            return sample.name
        }

        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { sample in
                sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value }
            }?.value
        }
    }

    /// A registry fed as a run of two answers, a 429 and a retry would feed it, with one lane.
    private func fedRegistry() -> (MetricsRegistry, EngineMetrics, SharedLanes) {
        let registry = MetricsRegistry()
        let prices = PriceTable(models: [
            "gpt-4o-mini": ModelPrice(live: .init(input: 1, output: 2))
        ])
        let engine = registry.engineMetrics(prices: prices)
        let lanes = SharedLanes()
        lanes.join(
            lane: Self.lane, tenant: 1, weight: 1, settings: LaneSettings(concurrency: 8, rpm: 600),
            now: Timestamp(milliseconds: 0))
        _ = lanes.tryStart(lane: Self.lane, tenant: 1, cost: 1, now: Timestamp(milliseconds: 0))
        let usage = TokenUsage(promptTokens: 1_000_000, completionTokens: 500_000, totalTokens: 1_500_000)
        engine.answered(Self.lane, status: 200, latency: .milliseconds(40), usage: usage)
        engine.finished(Self.lane, status: 200)
        engine.answered(Self.lane, status: 429, latency: .milliseconds(3), usage: nil)
        engine.retried(Self.lane)
        engine.answered(Self.lane, status: 400, latency: .milliseconds(700), usage: nil)
        engine.finished(Self.lane, status: 400)
        engine.finished(Self.lane, status: nil)
        return (registry, engine, lanes)
    }

    @Test("every family has HELP and TYPE; counters end in _total; histograms are cumulative; labels are few")
    func format() throws {
        let (registry, engine, lanes) = fedRegistry()
        let text = String(
            decoding: registry.exposition(
                engine: engine, lanes: lanes,
                jobs: .init(byState: [.running: 1, .queued: 2], pendingLines: 41)),
            as: UTF8.self)
        let exposition = Exposition(text)
        #expect(!exposition.samples.isEmpty)
        for sample in exposition.samples {
            let family = exposition.family(of: sample)
            #expect(exposition.type[family] != nil, "TYPE of \(family)")
            #expect(exposition.help[family]?.isEmpty == false, "HELP of \(family)")
            #expect(family.hasPrefix("batchd_"))
            if exposition.type[family] == "counter" { #expect(family.hasSuffix("_total")) }
            let allowed: Set<String> = ["endpoint", "model", "status", "kind", "state", "le"]
            #expect(
                Set(sample.labels.keys).isSubset(of: allowed), "low-cardinality labels only: \(sample.labels)"
            )
        }
        // The latency histogram: cumulative buckets ending in +Inf, which equals the count.
        let buckets = exposition.samples.filter { $0.name == "batchd_request_duration_seconds_bucket" }
        #expect(buckets.count == MetricsRegistry.latencyBuckets.count + 1)
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
        #expect(buckets.last?.labels["le"] == "+Inf")
        #expect(buckets.last?.value == 3)
        #expect(exposition.value("batchd_request_duration_seconds_count") == 3)
        #expect(exposition.value("batchd_request_duration_seconds_bucket", ["le": "0.05"]) == 2)
    }

    @Test("the series: finished by status class, 429s, retries, tokens and cost by model, lanes, jobs")
    func series() throws {
        let (registry, engine, lanes) = fedRegistry()
        let exposition = Exposition(
            String(
                decoding: registry.exposition(
                    engine: engine, lanes: lanes,
                    jobs: .init(byState: [.running: 1, .queued: 2], pendingLines: 41)),
                as: UTF8.self))
        let labels = ["endpoint": "default", "model": "gpt-4o-mini"]
        #expect(
            exposition.value("batchd_requests_finished_total", labels.merging(["status": "2xx"]) { $1 }) == 1)
        #expect(
            exposition.value("batchd_requests_finished_total", labels.merging(["status": "4xx"]) { $1 }) == 1)
        #expect(
            exposition.value("batchd_requests_finished_total", labels.merging(["status": "transport"]) { $1 })
                == 1)
        #expect(exposition.value("batchd_throttled_total", labels) == 1)
        #expect(exposition.value("batchd_retries_total", labels) == 1)
        #expect(
            exposition.value("batchd_tokens_total", labels.merging(["kind": "input"]) { $1 }) == 1_000_000)
        #expect(exposition.value("batchd_tokens_total", labels.merging(["kind": "output"]) { $1 }) == 500_000)
        #expect(
            exposition.value("batchd_cost_usd_total", labels) == 2, "1 M input at $1 + 0.5 M output at $2")
        #expect(exposition.value("batchd_lane_in_flight", labels) == 1)
        #expect(exposition.value("batchd_lane_window", labels) ?? 0 >= 1)
        #expect(exposition.value("batchd_lane_rpm", labels) ?? 0 > 590, "the configured 600 RPM, at 99 %")
        #expect(exposition.value("batchd_lane_tpm", labels) == nil, "no TPM known: no series")
        #expect(exposition.value("batchd_pending_lines") == 41)
        #expect(exposition.value("batchd_jobs", ["state": "queued"]) == 2)
        #expect(exposition.value("batchd_jobs", ["state": "paused"]) == 0)
    }

    @Test("the server answers /metrics on 127.0.0.1 with the text format's content type; other paths 404")
    func server() async throws {
        let (registry, engine, lanes) = fedRegistry()
        let server = MetricsServer(address: MetricsAddress(port: 0)) {
            registry.exposition(engine: engine, lanes: lanes, jobs: .init(byState: [:], pendingLines: 0))
        }
        let port = try await server.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(response.headers["content-type"].first == "text/plain; version=0.0.4; charset=utf-8")
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(Exposition(body).value("batchd_throttled_total") == 1)
            let missing = try await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/other"), timeout: .seconds(10))
            #expect(missing.status == .notFound)
        } catch {
            try? await client.shutdown()
            await server.stop()
            throw error
        }
        try await client.shutdown()
        await server.stop()
    }

    @Test("models named by the input: the first 100 lanes have their own label, later ones share _other")
    func boundedModels() {
        let registry = MetricsRegistry()
        let engine = registry.engineMetrics(prices: PriceTable())
        let lanes = SharedLanes()
        let total = EngineMetrics.maximumLabelledLanes + 5
        for index in 0..<total {
            let lane = LaneKey(endpoint: "default", model: "model-\(index)")
            lanes.join(
                lane: lane, tenant: 1, weight: 1, settings: LaneSettings(concurrency: 4),
                now: Timestamp(milliseconds: 0))
            engine.answered(lane, status: 200, latency: .milliseconds(10), usage: nil)
            engine.finished(lane, status: 200)
        }
        let exposition = Exposition(
            String(
                decoding: registry.exposition(
                    engine: engine, lanes: lanes, jobs: .init(byState: [:], pendingLines: 0)),
                as: UTF8.self))
        let finished = exposition.samples.filter {
            $0.name == "batchd_requests_finished_total" && $0.labels["status"] == "2xx"
        }
        let models = Set(finished.compactMap { $0.labels["model"] })
        #expect(models.count == EngineMetrics.maximumLabelledLanes + 1)
        #expect(models.contains(EngineMetrics.otherModel) && !models.contains("model-\(total - 1)"))
        #expect(finished.map(\.value).reduce(0, +) == Double(total), "every request counted once")
        #expect(
            exposition.value("batchd_requests_finished_total", ["model": "_other", "status": "2xx"]) == 5)
        let gauges = exposition.samples.filter { $0.name == "batchd_lane_window" }
        #expect(gauges.count == EngineMetrics.maximumLabelledLanes, "gauges only for the labelled lanes")
    }

    @Test("addresses: PORT alone is loopback; HOST:PORT and [IPv6]:PORT; bad ones are refused")
    func addresses() {
        #expect(MetricsAddress(parsing: "9464") == MetricsAddress(host: "127.0.0.1", port: 9464))
        #expect(MetricsAddress(parsing: "127.0.0.1:9464")?.isLoopback == true)
        #expect(MetricsAddress(parsing: "0.0.0.0:9464")?.isLoopback == false)
        #expect(MetricsAddress(parsing: "[::1]:9464") == MetricsAddress(host: "::1", port: 9464))
        #expect(MetricsAddress(parsing: "[::1]:9464")?.isLoopback == true)
        #expect(MetricsAddress(parsing: "host:70000") == nil)
        #expect(MetricsAddress(parsing: ":9464") == nil)
        #expect(MetricsAddress(parsing: "nonsense") == nil)
    }
}
