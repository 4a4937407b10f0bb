import BatchSimulator
import Foundation
import Testing

/// `<stem>.report.html` opened in a real browser (Debian's headless Chromium): a job run by
/// `batchctl run` against the simulator with 429s, 5xx, answers refused with 400 and bad lines,
/// then its page as the browser parsed it (the headline numbers, the SVG charts, the tables) and
/// as it drew it (a screenshot whose pixels carry the charts' colours).
@Suite(
    "HTML report in headless Chromium", .serialized,
    .enabled(if: ExternalTool.chromium.available, ExternalTool.chromium.skipMessage))
struct HTMLReportBrowserTests {
    /// Chat lines the simulator refuses with 400 `invalid_request` (empty `messages`): failed lines
    /// that do not depend on chance.
    static func refused(_ id: String) -> String {
        JobFiles.line([
            "custom_id": id, "method": "POST", "url": "/v1/chat/completions",
            "body": ["model": "gpt-4o-mini", "messages": [Any](), "max_tokens": 16],
        ])
    }

    @Test("the browser shows the job's headline numbers, charts, cost per model and error groups")
    func reportInBrowser() async throws {
        let sim = try await SimulatorHarness.start {
            $0.latency = .milliseconds(2)
            $0.latencyJitter = .milliseconds(30)
            // 429s and 500s at random: over ~130 requests, none at all is a chance below 1e-4.
            $0.faults = FaultRates(serverError500: 0.1, random429: 0.1)
        }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let chromium = HeadlessChromium(executable: try ExternalTool.chromium.require(), folder: folder.path)
        let mixed = JobFiles.mixed(in: folder.path, name: "shown.jsonl", count: 120)
        let refusedIDs = (0..<6).map { "refused-\($0)" }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: mixed.path))
        handle.seekToEndOfFile()
        handle.write(Data((refusedIDs.map(Self.refused).joined(separator: "\n") + "\n").utf8))
        try handle.close()

        let run = try await folder.batchctl(
            ["run", "--no-progress", "--concurrency", "8", "--max-attempts", "4", mixed.path],
            environment: sim.openAIEnvironment())
        #expect(run.status == 1, "the job finished with error lines: \(run.stderr)")
        let stem = String(mixed.path.dropLast(".jsonl".count))
        let report = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: stem + ".report.json")))
                as? [String: Any])
        let errors = try await folder.batchctl(["errors", "1", "--json"], environment: [:])
        let groups = try #require(
            (try JSONSerialization.jsonObject(with: Data(errors.stdout.utf8)) as? [String: Any])?["groups"]
                as? [[String: Any]])
        let html = stem + ".report.html"

        let page = RenderedPage(html: try await chromium.dumpDOM(html))

        // The headline: the report's own numbers.
        for (figure, key) in [
            ("lines", "lines"), ("succeeded", "succeeded"), ("failed", "failed"), ("rejected", "rejected"),
            ("throttled", "throttled"), ("retries", "retries"),
        ] {
            #expect(page.figure(figure) == (report[key] as? Int).map { "\($0)" }, "figure \(figure)")
        }
        #expect((report["throttled"] as? Int ?? 0) > 0 && (report["failed"] as? Int ?? 0) >= refusedIDs.count)
        #expect(page.figure("rejected") == "\(mixed.malformed.count)")
        #expect(
            page.figure("cost")?.hasPrefix("$") == true, "gpt-4o-mini and text-embedding-3-small have prices")

        // The timeline: SVG bars whose lines add up to the lines answered, and the 429s drawn over them.
        let timeline = try #require(page.element("section", id: "timeline"))
        #expect(timeline.contains("<svg"))
        let bars = RenderedPage.elements("rect", "class=\"bar\"", in: timeline)
        #expect(!bars.isEmpty)
        let counted = bars.compactMap(\.title).map(Self.numbers)
        #expect(
            counted.map { $0[0] }.reduce(0, +) == (report["succeeded"] as? Int ?? -1)
                + (report["failed"] as? Int ?? -1))
        #expect(counted.map { $0[1] }.reduce(0, +) == report["throttled"] as? Int)
        #expect(RenderedPage.elements("polyline", "class=\"throttled\"", in: timeline).count == 1)
        #expect(RenderedPage.elements("polyline", "class=\"errors\"", in: timeline).count == 1)

        // The latency histogram holds every timed answer; the lanes table has both lanes.
        let latency = try #require(page.element("section", id: "latency"))
        let latencyBars = RenderedPage.elements("rect", "class=\"latency\"", in: latency)
        let lanes = try #require(report["lanes"] as? [String: [String: Any]])
        #expect(
            latencyBars.compactMap(\.title).map { Self.numbers($0).last ?? 0 }.reduce(0, +)
                == lanes.values.compactMap { $0["answers"] as? Int }.reduce(0, +))
        let laneRows = RenderedPage.rows(in: try #require(page.element("table", id: "lanes")))
        #expect(Set(laneRows.map { $0[0] }) == Set(lanes.keys))

        // Tokens and cost: one row per model of the report, each priced.
        let models = RenderedPage.rows(in: try #require(page.element("section", id: "models")))
        let tokens = try #require(report["tokens"] as? [String: [String: Any]])
        #expect(Set(models.map { $0[0] }) == Set(tokens.keys))
        #expect(Set(tokens.keys) == ["gpt-4o-mini", "text-embedding-3-small"])
        for row in models {
            #expect(row.last?.hasPrefix("$") == true && row.last?.hasSuffix("(live)") == true, "\(row)")
            #expect(row[1] == (tokens[row[0]]?["requests"] as? Int).map { "\($0)" })
        }

        // The error groups, as `batchctl errors` counts them, with an example each.
        let shown = RenderedPage.rows(in: try #require(page.element("section", id: "errors")))
        #expect(shown.map { $0[0] } == groups.map { $0["code"] as? String ?? "?" })
        #expect(shown.map { $0[2] } == groups.map { "\($0["count"] as? Int ?? -1)" })
        #expect(
            shown.contains { $0[0] == "invalid_request" && $0[1] == "400" && $0[2] == "\(refusedIDs.count)" })
        #expect(shown.allSatisfy { !$0[4].isEmpty }, "an example message per group")

        // Self-contained, as loaded: nothing for the browser to fetch.
        #expect(!page.html.contains("<script") && !page.html.contains("<link") && !page.html.contains("<img"))
        #expect(!page.html.contains("src=") && !page.html.contains("href=") && !page.html.contains("url("))

        // As drawn: the window's size, and the colours of the bars, the latency bins and both lines.
        let png = folder.path + "/report.png"
        try await chromium.screenshot(html, to: png, width: 1100, height: 1600)
        let colours = [
            "4c8eda": "throughput bars", "8a63d2": "latency bars", "d4a72c": "429s line",
            "cf222e": "errors line",
        ]
        let drawn = try await chromium.pixels(of: png, targets: Array(colours.keys))
        #expect(drawn.width == 1100 && drawn.height == 1600)
        for (colour, what) in colours {
            #expect(
                (drawn.counts[colour] ?? 0) >= 20,
                "the screenshot shows the \(what) (#\(colour)): \(drawn.counts)")
        }
        #expect((drawn.counts["4c8eda"] ?? 0) > 2_000, "the throughput bars are bars, not a line")
        if let keep = ProcessInfo.processInfo.environment["BATCHD_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png, toPath: keep)
        }
    }

    /// The integers of a tooltip (`"…: 12 lines, 3 429s, 1 errors"`, `"≤ 5 ms: 40 answers"`),
    /// after its label.
    static func numbers(_ title: String) -> [Int] {
        let counts = title.components(separatedBy: ": ").last ?? ""
        return counts.split(separator: ",").compactMap { Int($0.split(separator: " ").first ?? "") }
    }
}
