import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The HTML report, read back as a document: what it shows, and that it needs nothing from outside.
@Suite("HTML report")
struct HTMLReportTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// Every element of a page (it is written as well-formed XML), with its attributes and text.
    final class Page: NSObject, XMLParserDelegate {
        struct Element {
            var name: String
            var attributes: [String: String]
            var text = ""
            var path: [String]
        }
        var elements: [Element] = []
        private var open: [Int] = []

        init(_ html: String) throws {
            super.init()
            let parser = XMLParser(data: Data(html.utf8))
            parser.delegate = self
            guard parser.parse() else {
                throw CocoaError(.coderReadCorrupt, userInfo: ["parser": "\(parser.parserError as Any)"])
            }
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let path = open.map { elements[$0].name } + [name]
            elements.append(Element(name: name, attributes: attributes, path: path))
            open.append(elements.count - 1)
        }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
        ) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            for index in open { elements[index].text += string }
        }

        func element(id: String) -> Element? { elements.first { $0.attributes["id"] == id } }
        func all(_ name: String, inside id: String) -> [Element] {
            guard let index = elements.firstIndex(where: { $0.attributes["id"] == id }) else { return [] }
            let depth = elements[index].path.count
            var found: [Element] = []
            for element in elements[(index + 1)...] {
                if element.path.count <= depth { break }
                if element.name == name { found.append(element) }
            }
            return found
        }
    }

    @Test("a finished job's page: headline, throughput chart, latency, models, error groups; self-contained")
    func finishedJob() async throws {
        let ids = (1...12).map { "h\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 1))
        let clock = fixture.clock
        let bad = RunnerFixture.content(for: "h5")
        let transport = ScriptedTransport { request, index in
            clock.advance(by: .milliseconds(5 + 5 * Int64(index)))
            if RunnerFixture.content(of: request) == bad {
                return .json(
                    400,
                    #"{"error":{"code":"invalid_value","message":"bad <script>alert(1)</script> & more"}}"#)
            }
            return RunnerFixture.ok(request)
        }
        guard case .completed(let done) = try await fixture.runner(job, transport).run() else {
            Issue.record("the job should complete")
            return
        }
        let path = OutputFiles(input: done.inputPath).reportHTML
        #expect(path.hasSuffix("input.report.html"))
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let page = try Page(html)

        // Self-contained: no script, no link, nothing with a source or a reference, no URL in the style.
        #expect(!page.elements.contains { ["script", "link", "img", "iframe", "object"].contains($0.name) })
        #expect(!page.elements.contains { $0.attributes["src"] != nil || $0.attributes["href"] != nil })
        let style = try #require(page.elements.first { $0.name == "style" })
        #expect(
            !style.text.contains("url(") && !style.text.contains("@import")
                && !style.text.contains("@font-face"))
        #expect(style.text.contains("@media print"))

        #expect(page.element(id: "state")?.text == "completed")
        #expect(page.element(id: "figure-lines")?.text.hasPrefix("12") == true)
        #expect(page.element(id: "figure-succeeded")?.text.hasPrefix("11") == true)
        #expect(page.element(id: "figure-failed")?.text.hasPrefix("1") == true)
        #expect(page.element(id: "figure-cost")?.text.hasPrefix("$") == true)

        let bars = page.all("rect", inside: "timeline")
        #expect(bars.count == 1, "12 answers within one 10 s interval: one bar")
        #expect(bars.first?.text.contains("12 lines, 0 429s, 1 errors") == true)
        #expect(page.all("polyline", inside: "timeline").count == 2, "429s and errors drawn over the bars")

        let latencyBars = page.all("rect", inside: "latency")
        let answers = latencyBars.compactMap { bar in
            bar.text.split(separator: ": ").last.flatMap { Int($0.split(separator: " ").first ?? "") }
        }
        #expect(answers.reduce(0, +) == 12, "every answer is in one latency bin")
        let laneRow = try #require(page.all("tr", inside: "lanes").last)
        #expect(laneRow.text.contains("default/gpt-4o-mini"))

        let models = page.all("td", inside: "models").map(\.text)
        #expect(models.first == "gpt-4o-mini")
        #expect(models.last?.hasSuffix("(live)") == true)

        let groups = page.all("tr", inside: "errors").filter { $0.attributes["class"] == "error-group" }
        #expect(groups.count == 1)
        let cells = page.all("td", inside: "errors").map(\.text)
        #expect(cells.prefix(4) == ["invalid_value", "400", "1", "5"])
        #expect(cells.last == "bad <script>alert(1)</script> & more", "the message is text, not markup")
    }

    @Test("a timeline of a long run is drawn with at most 600 bars, every line counted once")
    func longTimelineMerges() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["x"]))
        var stats = RunStats()
        let start = Timestamp(milliseconds: 1_700_000_000_000)
        for interval in 0..<2_000 {
            stats.finished(succeeded: true, now: start.advanced(by: .seconds(10 * interval)))
        }
        var report = JobReport(job: job, usage: [])
        report.add(stats: stats, usage: [], prices: PriceTable())
        let html = HTMLReport(report: report, stats: stats, errors: []).render()
        #expect(html.utf8.count < 200_000, "the page's size is bounded by its bars, not by the job's lines")
        let page = try Page(html)
        let bars = page.all("rect", inside: "timeline")
        #expect(bars.count <= HTMLReport.maximumTimelineBars)
        #expect(bars.count == 500, "2,000 intervals of 10 s merged four by four")
        let lines = bars.compactMap { Int($0.text.split(separator: " ").dropFirst().first ?? "") }
        #expect(lines.reduce(0, +) == 2_000)
    }

    @Test("the cost table shows every cost row of the report, whatever its tier, and a model without one")
    func costRows() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["x"]))
        let usage = [
            ModelUsage(
                model: "gpt-4o-mini", requests: 3,
                usage: TokenUsage(promptTokens: 30, completionTokens: 6, totalTokens: 36))
        ]
        var report = JobReport(job: job, usage: usage)
        report.add(stats: RunStats(), usage: usage, prices: PriceTable())
        report.cost = [
            "gpt-4o-mini": .init(tier: "live", usd: nil, pricedAs: nil),
            "gpt-4o": .init(tier: "batch", usd: 1.25, pricedAs: "gpt-4o"),
            "tiny": .init(tier: "live", usd: 0.0000589, pricedAs: "tiny"),
        ]
        let page = try Page(HTMLReport(report: report, stats: RunStats(), errors: []).render())
        let rows = page.all("tr", inside: "models").dropFirst().map { row in row.text }
        #expect(rows.count == 3)
        let cells = page.all("td", inside: "models").map(\.text)
        #expect(cells.prefix(6) == ["gpt-4o", "–", "–", "–", "–", "$1.25 (batch)"])
        #expect(cells.dropFirst(6).prefix(6) == ["gpt-4o-mini", "3", "30", "6", "36", "no price (live)"])
        #expect(cells.last == "$0.000059 (live)", "a small cost in decimals, not in exponent form")
        #expect(page.element(id: "figure-cost")?.text == "no pricecost (batch + live)")
    }

    @Test("a job with more error groups than the page lists: the largest 50, and the rest counted")
    func manyErrorGroups() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["x"]))
        var groups = ErrorGroups()
        for code in 0..<80 {
            for line in 0...(code % 3) {
                groups.add(
                    .init(line: code * 10 + line, code: "code_\(code)", status: 400, message: "m\(code)"))
            }
        }
        let report = JobReport(job: job, usage: [])
        let page = try Page(HTMLReport(report: report, stats: RunStats(), errors: groups.sorted).render())
        let shown = page.all("tr", inside: "errors").filter { $0.attributes["class"] == "error-group" }
        #expect(shown.count == HTMLReport.maximumErrorGroups)
        let hidden = groups.sorted.dropFirst(HTMLReport.maximumErrorGroups)
        #expect(
            page.element(id: "more-errors")?.text
                == "\(hidden.count) more groups of \(hidden.map(\.count).reduce(0, +)) lines: batchctl errors \(job.id) lists them all."
        )
    }
}
