/// The `# HELP` lines of batchd's metrics, added to the exposition before each family's `# TYPE`
/// line: metrics made through swift-metrics carry no help text of their own, and a family without
/// one is a lint finding for `promtool check metrics`.
public enum PrometheusHelp {
    public static let texts: [String: String] = [
        "batchd_requests_finished_total":
            "Requests whose output line was recorded, by the class of their last status.",
        "batchd_throttled_total": "429 answers received.",
        "batchd_retries_total": "Attempts that will be sent again.",
        "batchd_tokens_total": "Tokens the answers reported, input (prompt) or output (completion).",
        "batchd_cost_usd_total": "US dollars of the reported tokens at the live price.",
        "batchd_request_duration_seconds": "Time from sending a request to its answer.",
        "batchd_lane_in_flight": "Requests of the lane in flight now.",
        "batchd_lane_window": "The lane's adaptive window of requests in flight.",
        "batchd_lane_rpm": "The lane's requests-per-minute budget (configured, announced or measured).",
        "batchd_lane_tpm": "The lane's tokens-per-minute budget (configured, announced or measured).",
        "batchd_pending_lines": "Lines of the running jobs still to be recorded.",
        "batchd_jobs": "Jobs in the database by state.",
    ]

    /// `exposition` with a `# HELP` line before every `# TYPE` line of a family that has none.
    public static func adding(to exposition: [UInt8]) -> [UInt8] {
        let text = String(decoding: exposition, as: UTF8.self)
        var out = ""
        out.reserveCapacity(text.utf8.count + 2048)
        var helped: Set<Substring> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# HELP ") {
                helped.insert(line.dropFirst(7).prefix { $0 != " " })
            } else if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).prefix { $0 != " " }
                if !helped.contains(name), let help = texts[String(name)] {
                    out += "# HELP \(name) \(help)\n"
                }
            }
            out += line
            out += "\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        return Array(out.utf8)
    }
}
