import ArgumentParser
import BatchCore
import BatchEngine
import BatchStore
import Foundation

/// `batchctl errors JOB`: what went wrong, grouped.
struct Errors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a job's error lines grouped by code and HTTP status.",
        discussion: """
            Each group shows its count, its first input line numbers and a sample message. The code of \
            an HTTP error is the answer's error code (e.g. invalid_api_key), else http_STATUS; failures \
            without an answer and rejected lines carry batchd's code (timeout, missing_model, cancelled, \
            …). --lines CODE prints every input line number of that code's lines, one per line.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id (see `batchctl list`).")
    var job: Int64

    @Option(help: "Print the input line numbers of the error lines with this code, one per line.")
    var lines: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let record = try await global.openStore().job(job)
            let path = OutputFiles(input: record.inputPath).errors
            var groups = ErrorGroups()
            var numbers: [Int] = []
            do {
                try ErrorsFile.forEachLine(path: path, committedBytes: record.committedOutput.errorsBytes) {
                    line in
                    groups.add(line)
                    if line.code == lines, let number = line.line { numbers.append(number) }
                }
            } catch {
                throw CLIError(
                    code: .configuration, message: "\(path): cannot read the errors file: \(error)")
            }
            if lines != nil {
                numbers.sort()
                if json {
                    try JSONOutput.print(LinesView(job: job, code: lines ?? "", lines: numbers))
                } else {
                    for number in numbers { print(number) }
                }
                return .success
            }
            let view = ErrorsView(
                job: job, errorsFile: path, lines: groups.lines, groups: groups.sorted.map(GroupView.init))
            if json {
                try JSONOutput.print(view)
                return .success
            }
            print("job \(job): \(groups.lines) error lines in \(path)")
            guard !view.groups.isEmpty else { return .success }
            let codeWidth = max(4, view.groups.map(\.code.count).max() ?? 0) + 2
            print(
                Self.pad("CODE", codeWidth) + Self.pad("STATUS", 8) + Self.pad("COUNT", 8)
                    + Self.pad("FIRST LINES", 24) + "SAMPLE")
            for group in view.groups {
                let first =
                    group.firstLines.map(String.init).joined(separator: ",")
                    + (group.count > group.firstLines.count ? ",…" : "")
                print(
                    Self.pad(group.code, codeWidth) + Self.pad(group.status.map(String.init) ?? "-", 8)
                        + Self.pad("\(group.count)", 8) + Self.pad(first, 24) + (group.sampleMessage ?? ""))
            }
            return .success
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// `batchctl errors --json`.
struct ErrorsView: Encodable {
    var job: Int64
    var errorsFile: String
    var lines: Int
    var groups: [GroupView]

    enum CodingKeys: String, CodingKey {
        case job, lines, groups
        case errorsFile = "errors_file"
    }
}

struct GroupView: Encodable {
    var code: String
    var status: Int?
    var count: Int
    var firstLines: [Int]
    var sampleMessage: String?

    init(_ group: ErrorGroups.Group) {
        code = group.code
        status = group.status
        count = group.count
        firstLines = group.firstLines
        sampleMessage = group.sampleMessage
    }

    enum CodingKeys: String, CodingKey {
        case code, status, count
        case firstLines = "first_lines"
        case sampleMessage = "sample_message"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(status, forKey: .status)
        try c.encode(count, forKey: .count)
        try c.encode(firstLines, forKey: .firstLines)
        try c.encode(sampleMessage, forKey: .sampleMessage)
    }
}

/// `batchctl errors --lines CODE --json`.
struct LinesView: Encodable {
    var job: Int64
    var code: String
    var lines: [Int]
}
