import BatchDaemon
import BatchEngine
import Foundation
import Logging
import Testing

/// The daemon's log lines, as journald and log shippers see them.
@Suite("log lines")
struct NotifyLogLineTests {
    let date = Date(timeIntervalSince1970: 1_763_780_000)

    @Test("json: one object per line with level, message and the metadata as fields")
    func json() throws {
        let handler = LineLogHandler(label: "batchd", format: .json)
        let line = handler.render(
            level: .warning, message: "request failed", metadata: ["job": "7", "custom_id": "task\n1"],
            date: date)
        #expect(!line.contains("\n"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "warning")
        #expect(object["message"] == "request failed")
        #expect(object["job"] == "7")
        #expect(object["custom_id"] == "task\n1")
        #expect(object["label"] == "batchd")
        #expect(object["time"]?.hasPrefix("2025-11-22T") == true)
    }

    @Test("text under journald: a syslog priority prefix, no timestamp, one line")
    func journald() {
        let handler = LineLogHandler(label: "batchd", format: .text, journald: true)
        let line = handler.render(
            level: .error, message: "job run failed", metadata: ["job": "3", "error": "a b\nc"], date: date)
        #expect(line == #"<3>error batchd: job run failed error="a b\nc" job=3"#)
    }

    @Test("text on a terminal starts with the time")
    func terminal() {
        let handler = LineLogHandler(label: "batchd", format: .text)
        let line = handler.render(level: .info, message: "batchd started", metadata: [:], date: date)
        #expect(line.hasPrefix("2025-11-22T"))
        #expect(line.hasSuffix(" info batchd: batchd started"))
    }

    @Test("metadata named like a secret is redacted in both formats", arguments: LogFormat.allCases)
    func redaction(format: LogFormat) {
        let handler = LineLogHandler(label: "batchd", format: format)
        let line = handler.render(
            level: .info, message: "m",
            metadata: ["api_key": "sk-live-1", "authorization": "Bearer sk-live-2"],
            date: date)
        #expect(!line.contains("sk-live"))
        #expect(line.contains("<redacted>"))
    }

    @Test("a logger writes one line per event through the handler")
    func oneLinePerEvent() {
        let lines = LinesBox()
        var logger = Logger(label: "batchd") { LineLogHandler(label: $0, format: .json) { lines.append($0) } }
        logger[metadataKey: "pid"] = "42"
        logger.info("drop file queued", metadata: ["job": "1"])
        logger.debug("not at info level")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains(#""pid":"42""#) == true)
    }
}

/// Collects log lines across threads.
final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
