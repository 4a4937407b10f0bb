import Foundation
import Logging

/// How the daemon writes its log lines.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `LEVEL label: message key=value …`; under journald (`JOURNAL_STREAM` set) each line starts
    /// with the syslog priority (`<6>`) so journald records the level, and has no timestamp.
    case text
    /// One JSON object per line: `time`, `level`, `label`, `message`, then the metadata keys.
    case json
}

/// A `LogHandler` that writes exactly one line per event to standard error, in ``LogFormat``.
///
/// Guarantees: one `write(2)` per event, no embedded newlines (they are escaped), and metadata
/// whose key names a secret (`key`, `api_key`, `authorization`, `password`, `secret`) is replaced
/// by `<redacted>`, so a careless call site cannot leak a key into the journal.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    public let format: LogFormat
    /// Whether to prefix text lines with a syslog priority for journald.
    public let journald: Bool
    private let sink: @Sendable (String) -> Void

    public init(
        label: String, format: LogFormat, journald: Bool = false,
        sink: @escaping @Sendable (String) -> Void = LineLogHandler.standardError
    ) {
        self.label = label
        self.format = format
        self.journald = journald
        self.sink = sink
    }

    /// Writes `line` to standard error in one call.
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        sink(render(level: event.level, message: "\(event.message)", metadata: merged, date: Date()))
    }

    /// The line for one event (without the newline).
    public func render(level: Logger.Level, message: String, metadata: Logger.Metadata, date: Date) -> String
    {
        let fields = metadata.keys.sorted().map { ($0, Self.redacted($0, metadata[$0]!)) }
        switch format {
        case .json:
            var object: [String: String] = [:]
            for (key, value) in fields { object[key] = value }
            object["time"] = Self.timestamp(date)
            object["level"] = level.rawValue
            object["label"] = label
            object["message"] = message
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        case .text:
            let pairs = fields.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: " ")
            let body = "\(level.rawValue) \(label): \(message)" + (pairs.isEmpty ? "" : " " + pairs)
            let line = journald ? "<\(Self.syslogPriority(level))>" + body : Self.timestamp(date) + " " + body
            return line.replacingOccurrences(of: "\n", with: "\\n")
        }
    }

    static func redacted(_ key: String, _ value: Logger.Metadata.Value) -> String {
        let lower = key.lowercased()
        let secret = ["key", "api_key", "apikey", "authorization", "password", "secret"]
        return secret.contains(lower) || lower.hasSuffix("_key") ? "<redacted>" : "\(value)"
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
