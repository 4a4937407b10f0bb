import BatchCore
import Foundation

/// A job's error lines grouped by code and HTTP status (`batchctl errors`): per group its count,
/// its first input line numbers and a sample message.
///
/// A line's code: `error.code` for a failure without an HTTP answer (timeouts, rejected lines,
/// `cancelled`); for an HTTP error, the answer's `error.code` (e.g. `invalid_api_key`), else its
/// `error.type`, else `http_<status>`. Its input line number comes from its `id`
/// (`batch_req_<job>_<line>`).
public struct ErrorGroups: Sendable, Equatable {
    /// How many first line numbers a group keeps.
    public static let firstLinesKept = 5

    public struct Group: Sendable, Equatable {
        public var code: String
        public var status: Int?
        public var count = 0
        public var firstLines: [Int] = []
        public var sampleMessage: String?
    }

    /// Groups in order of first appearance.
    public private(set) var groups: [Group] = []
    /// Error lines read.
    public private(set) var lines = 0
    private var index: [Key: Int] = [:]

    private struct Key: Hashable {
        var code: String
        var status: Int?
    }

    public init() {}

    /// One error line, as read from the errors file.
    public struct Line: Sendable, Equatable {
        public var line: Int?
        public var code: String
        public var status: Int?
        public var message: String?

        public init(line: Int?, code: String, status: Int?, message: String?) {
            self.line = line
            self.code = code
            self.status = status
            self.message = message
        }

        /// Reads one line of an errors file; `nil` when it is not an output line.
        public static func parse(_ bytes: UnsafeRawBufferPointer) -> Line? {
            guard
                let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            else { return nil }
            let line = (object["id"] as? String).flatMap { id in
                id.split(separator: "_").last.flatMap { Int($0) }
            }
            if let error = object["error"] as? [String: Any], let code = error["code"] as? String {
                let status = (object["response"] as? [String: Any])?["status_code"] as? Int
                return Line(line: line, code: code, status: status, message: error["message"] as? String)
            }
            guard let response = object["response"] as? [String: Any],
                let status = response["status_code"] as? Int
            else { return nil }
            let body = (response["body"] as? [String: Any])?["error"] as? [String: Any]
            let code = (body?["code"] as? String) ?? (body?["type"] as? String) ?? "http_\(status)"
            let message = (body?["message"] as? String) ?? (response["body"] as? String)
            return Line(line: line, code: code, status: status, message: message)
        }
    }

    /// Counts `line` into its group.
    public mutating func add(_ line: Line) {
        lines += 1
        let key = Key(code: line.code, status: line.status)
        let position: Int
        if let known = index[key] {
            position = known
        } else {
            position = groups.count
            index[key] = position
            groups.append(Group(code: line.code, status: line.status))
        }
        groups[position].count += 1
        if let number = line.line, groups[position].firstLines.count < Self.firstLinesKept {
            groups[position].firstLines.append(number)
        }
        if groups[position].sampleMessage == nil, let message = line.message {
            groups[position].sampleMessage = message.count > 300 ? String(message.prefix(300)) + "…" : message
        }
    }

    /// Groups by count, largest first (then code, then status).
    public var sorted: [Group] {
        groups.sorted {
            ($0.count, $1.code, $1.status ?? 0) > ($1.count, $0.code, $0.status ?? 0)
        }
    }
}

/// Reads a job's errors file, up to its committed length (a line being written is not read).
public enum ErrorsFile {
    /// Calls `body` with each error line of the file at `path`, in file order, up to `committedBytes`.
    public static func forEachLine(
        path: String, committedBytes: Int64, _ body: (ErrorGroups.Line) -> Void
    ) throws {
        guard committedBytes > 0 else { return }
        let reader = try JSONLReader(path: path, maxLineBytes: 64 * 1024 * 1024)
        try reader.forEachLine { line in
            guard line.offset + Int64(line.length) <= committedBytes else { return false }
            if let bytes = line.bytes, let parsed = ErrorGroups.Line.parse(bytes) { body(parsed) }
            return true
        }
    }
}
