/// The report's charts, drawn as inline SVG with no script: bars scaled to the largest value,
/// labelled axes, and `<title>` tooltips. Pure functions from numbers to markup.
enum SVGChart {
    static let width = 900.0
    static let height = 240.0
    static let left = 56.0
    static let bottom = 28.0
    static let top = 12.0

    /// One bar of a chart, with optional overlaid marks (429s, errors) drawn as a line on top.
    struct Bar {
        var label: String
        var value: Int
        var marks: [Int] = []
        var tooltip: String
    }

    /// A bar chart of `bars` in `barClass`, with each mark series as a polyline in `markClasses`.
    static func bars(
        _ bars: [Bar], title: String, barClass: String, markClasses: [String] = [], axisLabel: String
    ) -> String {
        let plotWidth = width - left - 8
        let plotHeight = height - top - bottom
        let highest = max(1, bars.map { max($0.value, $0.marks.max() ?? 0) }.max() ?? 1)
        let step = bars.isEmpty ? plotWidth : plotWidth / Double(bars.count)
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="\(HTMLText.escape(title))" xmlns="http://www.w3.org/2000/svg">
            <title>\(HTMLText.escape(title))</title>
            <line class="axis" x1="\(left)" y1="\(top + plotHeight)" x2="\(width - 8)" y2="\(top + plotHeight)"/>
            <line class="axis" x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + plotHeight)"/>
            <text class="tick" x="\(left - 4)" y="\(top + 8)" text-anchor="end">\(HTMLText.count(highest))</text>
            <text class="tick" x="\(left - 4)" y="\(top + plotHeight)" text-anchor="end">0</text>
            <text class="tick" x="\(left)" y="\(height - 6)">\(HTMLText.escape(axisLabel))</text>

            """
        func y(_ value: Int) -> Double { top + plotHeight - plotHeight * Double(value) / Double(highest) }
        for (index, bar) in bars.enumerated() {
            let x = left + Double(index) * step
            let barTop = y(bar.value)
            svg += "<rect class=\"\(barClass)\" x=\"\(fmt(x))\" y=\"\(fmt(barTop))\" "
            svg += "width=\"\(fmt(max(0.5, step * 0.9)))\" height=\"\(fmt(top + plotHeight - barTop))\">"
            svg += "<title>\(HTMLText.escape(bar.tooltip))</title></rect>\n"
        }
        for (series, markClass) in markClasses.enumerated() {
            let points = bars.enumerated().map { index, bar in
                "\(fmt(left + (Double(index) + 0.45) * step)),\(fmt(y(series < bar.marks.count ? bar.marks[series] : 0)))"
            }
            if !points.isEmpty {
                svg +=
                    "<polyline class=\"\(markClass)\" fill=\"none\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
        }
        if let first = bars.first, let last = bars.last, bars.count > 1 {
            svg +=
                "<text class=\"tick\" x=\"\(left)\" y=\"\(top + plotHeight + 14)\">\(HTMLText.escape(first.label))</text>\n"
            svg +=
                "<text class=\"tick\" x=\"\(width - 8)\" y=\"\(top + plotHeight + 14)\" text-anchor=\"end\">"
            svg += "\(HTMLText.escape(last.label))</text>\n"
        } else if let only = bars.first {
            svg +=
                "<text class=\"tick\" x=\"\(left)\" y=\"\(top + plotHeight + 14)\">\(HTMLText.escape(only.label))</text>\n"
        }
        return svg + "</svg>"
    }

    /// A coordinate with one decimal.
    static func fmt(_ value: Double) -> String { HTMLText.decimal(value, places: 1) }
}
