import BatchCore

/// The `<stem>.report.html` beside the JSON report: one self-contained page (inline style and SVG;
/// no script, no link, no font, nothing fetched) that shows at a glance what a job's runs did: the
/// headline numbers, throughput per 10 s with the 429s and errors, the answer latency histogram,
/// the lanes' percentiles and limits, tokens and cost per model, and the error groups with
/// examples. Readable printed (charts keep their colours, sections do not split).
///
/// A pure function of the report, the statistics and the error groups; every text that comes from
/// outside batchd (file names, models, error messages) is escaped (``HTMLText``).
public struct HTMLReport: Sendable {
    public var report: JobReport
    public var stats: RunStats
    public var errors: [ErrorGroups.Group]

    /// The most bars the timeline draws: longer runs merge neighbouring intervals, so the page of a
    /// job of millions of lines stays small.
    public static let maximumTimelineBars = 600

    /// The most error groups the page lists (the largest): an answer's `error.code` is the
    /// server's, so a job can have any number of them; the rest are counted in one line.
    public static let maximumErrorGroups = 50

    public init(report: JobReport, stats: RunStats, errors: [ErrorGroups.Group]) {
        self.report = report
        self.stats = stats
        self.errors = errors
    }

    /// The whole page.
    public func render() -> String {
        let title = "batchd job \(report.job): \(fileName(report.input))"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(HTMLText.escape(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(HTMLText.escape(title))</h1>
            <p class="meta">\(HTMLText.escape(report.input)) · endpoint \(HTMLText.escape(report.endpoint)) · \
            <span id="state">\(HTMLText.escape(report.state))</span>\
            \(report.startedAt.map { " · started \(HTMLText.escape($0))" } ?? "")\
            \(report.finishedAt.map { " · finished \(HTMLText.escape($0))" } ?? "")</p>
            \(headline())
            \(timelineSection())
            \(latencySection())
            \(modelsSection())
            \(errorsSection())
            </body>
            </html>

            """
    }

    private func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private var totalCost: Double? {
        let costs = Array((report.cost ?? [:]).values) + Array((report.batchCost ?? [:]).values)
        guard !costs.isEmpty else { return nil }
        var sum = 0.0
        for model in costs {
            guard let usd = model.usd else { return nil }
            sum += usd
        }
        return sum
    }

    /// "cost" with the tiers the models were priced at: `cost (live)`, `cost (batch + live)`.
    private var costLabel: String {
        let priced = Array((report.cost ?? [:]).values) + Array((report.batchCost ?? [:]).values)
        let tiers = Set(priced.map(\.tier)).sorted()
        return tiers.isEmpty ? "cost" : "cost (\(HTMLText.escape(tiers.joined(separator: " + "))))"
    }

    func headline() -> String {
        let tokens = report.tokens.values.map(\.totalTokens).reduce(0, +)
        var figures: [(String, String, String)] = [
            ("lines", "lines", HTMLText.count(report.lines)),
            ("succeeded", "succeeded", HTMLText.count(report.succeeded)),
            ("failed", "failed", HTMLText.count(report.failed)),
            ("rejected", "rejected", HTMLText.count(report.rejected)),
            ("throttled", "429s", HTMLText.count(report.throttled)),
            ("retries", "retries", HTMLText.count(report.retries)),
            ("tokens", "tokens", HTMLText.count(tokens)),
            ("cost", costLabel, HTMLText.dollars(totalCost)),
            ("wall", "running time", HTMLText.decimal(report.wallSeconds, places: 1) + " s"),
            ("rate", "requests/s", HTMLText.decimal(report.requestsPerSecond, places: 1)),
        ]
        if let time = report.time {
            figures.append(("sending", "sending", HTMLText.decimal(time.sendingSeconds, places: 1) + " s"))
            figures.append(
                ("waiting", "waiting for quota", HTMLText.decimal(time.waitingSeconds, places: 1) + " s"))
        }
        let cells = figures.map { id, label, value in
            "<div class=\"figure\" id=\"figure-\(id)\"><span class=\"value\">\(value)</span>"
                + "<span class=\"label\">\(label)</span></div>"
        }
        return "<section id=\"headline\" class=\"figures\">\n" + cells.joined(separator: "\n")
            + "\n</section>"
    }
}
