import BatchCore

extension HTMLReport {
    /// Lines finished per interval (bars) with the 429s and failed lines (lines over them).
    func timelineSection() -> String {
        let intervals = stats.timeline.ordered
        guard let first = intervals.first, let last = intervals.last else {
            return "<section id=\"timeline\"><h2>Throughput</h2><p>No answers were timed.</p></section>"
        }
        let interval = RunTimeline.intervalMilliseconds
        let span = Int((last.start - first.start) / interval) + 1
        let merge = max(1, (span + Self.maximumTimelineBars - 1) / Self.maximumTimelineBars)
        var bars: [SVGChart.Bar] = []
        for counted in intervals {
            let slot = Int((counted.start - first.start) / interval) / merge
            while bars.count <= slot {
                let start = first.start + Int64(bars.count * merge) * interval
                bars.append(
                    SVGChart.Bar(
                        label: JobReport.iso8601(Timestamp(milliseconds: start)), value: 0, marks: [0, 0],
                        tooltip: ""))
            }
            bars[slot].value += counted.finished
            bars[slot].marks[0] += counted.throttled
            bars[slot].marks[1] += counted.failed
        }
        for slot in bars.indices {
            let bar = bars[slot]
            bars[slot].tooltip =
                "\(bar.label): \(bar.value) lines, \(bar.marks[0]) 429s, \(bar.marks[1]) errors"
        }
        let seconds = Int(interval / 1000) * merge
        let chart = SVGChart.bars(
            bars, title: "Lines finished per \(seconds) s, with 429s and errors", barClass: "bar",
            markClasses: ["throttled", "errors"], axisLabel: "lines per \(seconds) s")
        return """
            <section id="timeline">
            <h2>Throughput</h2>
            <p class="legend"><span class="key bar"></span> lines finished per \(seconds) s \
            <span class="key throttled"></span> 429s <span class="key errors"></span> errors</p>
            \(chart)
            </section>
            """
    }

    /// The bounds of the latency histogram's bins, in milliseconds: 1, 2, 5, 10, 20, 50, ….
    static let latencyBounds: [UInt64] = {
        var bounds: [UInt64] = []
        var decade: UInt64 = 1
        while decade <= 1_000_000 {
            bounds += [decade, decade * 2, decade * 5]
            decade *= 10
        }
        return bounds
    }()

    /// Answers per latency bin over every lane, and each lane's percentiles and learned limits.
    func latencySection() -> String {
        var all = LatencyHistogram()
        for lane in stats.lanes.values { all.add(lane.latency) }
        var section = "<section id=\"latency\">\n<h2>Latency</h2>\n"
        if all.count == 0 {
            section += "<p>No answers were timed.</p>\n"
        } else {
            var counts = [Int](repeating: 0, count: Self.latencyBounds.count)
            for entry in all.entries {
                let bin = Self.latencyBounds.firstIndex { entry.milliseconds <= $0 } ?? (counts.count - 1)
                counts[bin] += Int(entry.count)
            }
            let lastUsed = counts.lastIndex { $0 > 0 } ?? 0
            let firstUsed = counts.firstIndex { $0 > 0 } ?? 0
            let bars = (firstUsed...lastUsed).map { bin in
                let label = "≤ \(HTMLText.count(Int(Self.latencyBounds[bin]))) ms"
                return SVGChart.Bar(
                    label: label, value: counts[bin], tooltip: "\(label): \(counts[bin]) answers")
            }
            section += SVGChart.bars(
                bars, title: "Answers by latency", barClass: "latency", axisLabel: "answers per latency bin")
            section += "\n"
        }
        section += """
            <table id="lanes">
            <thead><tr><th>lane</th><th>answers</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th>\
            <th>max ms</th><th>window / cap</th><th>RPM</th><th>TPM</th></tr></thead>
            <tbody>

            """
        for (name, lane) in (report.lanes ?? [:]).sorted(by: { $0.key < $1.key }) {
            let limits = lane.limits
            let cells = [
                HTMLText.escape(name), HTMLText.count(lane.answers), "\(lane.p50)", "\(lane.p90)",
                "\(lane.p99)",
                "\(lane.max)", limits.map { "\($0.window) / \($0.concurrency)" } ?? "–",
                limits?.requestsPerMinute.map { HTMLText.count(Int($0)) } ?? "–",
                limits?.tokensPerMinute.map { HTMLText.count(Int($0)) } ?? "–",
            ]
            section += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return section + "</tbody></table>\n</section>"
    }

    /// Tokens and cost per model.
    func modelsSection() -> String {
        var section = """
            <section id="models">
            <h2>Tokens and cost per model</h2>
            <table>
            <thead><tr><th>model</th><th>requests</th><th>prompt tokens</th><th>completion tokens</th>\
            <th>total tokens</th><th>cost</th></tr></thead>
            <tbody>

            """
        // Every model of any table: a cost row without tokens (priced another way) shows too, with
        // one cost per tier its answers came by (live, and the Batch API's price).
        let names = Set(report.tokens.keys).union((report.cost ?? [:]).keys).union(
            (report.batchCost ?? [:]).keys
        )
        .sorted()
        for model in names {
            let tokens = report.tokens[model]
            let costs = [report.cost?[model], report.batchCost?[model]].compactMap { $0 }
            var cells: [String] = [HTMLText.escape(model)]
            if let tokens {
                cells += [tokens.requests, tokens.promptTokens, tokens.completionTokens, tokens.totalTokens]
                    .map(HTMLText.count)
            } else {
                cells += ["–", "–", "–", "–"]
            }
            if costs.isEmpty {
                cells.append("no price")
            } else {
                cells.append(
                    costs.map { HTMLText.dollars($0.usd) + " (" + HTMLText.escape($0.tier) + ")" }.joined(
                        separator: " + "))
            }
            section += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return section + "</tbody></table>\n</section>"
    }

    /// The error groups, largest first, each with its first lines and a sample message.
    func errorsSection() -> String {
        guard !errors.isEmpty else {
            return "<section id=\"errors\"><h2>Errors</h2><p>No error lines.</p></section>"
        }
        var section = """
            <section id="errors">
            <h2>Errors</h2>
            <table>
            <thead><tr><th>code</th><th>status</th><th>lines</th><th>first lines</th><th>example</th></tr></thead>
            <tbody>

            """
        for group in errors.prefix(Self.maximumErrorGroups) {
            let cells = [
                HTMLText.escape(group.code), group.status.map { "\($0)" } ?? "–", HTMLText.count(group.count),
                group.firstLines.map { "\($0)" }.joined(separator: ", "),
                HTMLText.escape(group.sampleMessage ?? ""),
            ]
            section += "<tr class=\"error-group\">" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        section += "</tbody></table>\n"
        if errors.count > Self.maximumErrorGroups {
            let rest = errors.dropFirst(Self.maximumErrorGroups)
            section += "<p id=\"more-errors\">\(HTMLText.count(rest.count)) more groups of "
            section += "\(HTMLText.count(rest.map(\.count).reduce(0, +))) lines: "
            section += "<code>batchctl errors \(report.job)</code> lists them all.</p>\n"
        }
        return section + "</section>"
    }
}
