extension HTMLReport {
    /// The page's only style sheet, inline: system fonts, colours that print (`print-color-adjust`),
    /// sections kept whole on paper.
    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:960px;\
        color:#1b1f24;padding:0 12px}
        h1{font-size:1.4em;margin-bottom:4px}h2{font-size:1.1em;margin:24px 0 8px}
        .meta{color:#57606a;margin-top:0;word-break:break-all}
        .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px}
        .figure{border:1px solid #d0d7de;border-radius:6px;padding:8px}
        .figure .value{display:block;font-size:1.3em;font-weight:600}
        .figure .label{color:#57606a;font-size:.85em}
        table{border-collapse:collapse;width:100%;font-size:.9em}
        th,td{border-bottom:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
        td{font-variant-numeric:tabular-nums}
        .chart{width:100%;height:auto}
        .axis{stroke:#57606a;stroke-width:1}.tick{font-size:11px;fill:#57606a}
        rect.bar{fill:#4c8eda}rect.latency{fill:#8a63d2}
        polyline.throttled{stroke:#d4a72c;stroke-width:2}polyline.errors{stroke:#cf222e;stroke-width:2}
        .key{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
        .key.bar{background:#4c8eda}.key.throttled{background:#d4a72c}.key.errors{background:#cf222e}
        @media print{body{margin:0;max-width:none}section{break-inside:avoid}\
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """
}
