import BatchCore
import BatchEngine
import Foundation

/// The text `batchctl validate` prints: per file its counts, each rejected line as
/// `file:line: code: reason`, its requests per url and model and the limits it crosses; then the
/// cost per model and the total.
struct ValidationText {
    let report: ValidationReport

    init(_ report: ValidationReport) {
        self.report = report
    }

    var text: String {
        var out = ""
        for file in report.files {
            out +=
                "\(file.file): \(file.lines) lines, \(file.valid) valid, \(file.rejected) rejected, \(file.bytes) bytes\n"
            for reject in file.rejects {
                out += "\(file.file):\(reject.line): \(reject.code): \(reject.reason)\n"
            }
            for group in file.requests {
                out +=
                    "  \(group.url)  \(group.model): \(Self.count(group.lines, "request")), ~\(group.inputTokens) input tokens, "
                    + "at most \(group.maxOutputTokens) output tokens"
                    + (group.unboundedLines > 0 ? " (\(group.unboundedLines) without max_tokens)" : "") + "\n"
            }
            for limit in file.limits { out += "  limit: \(limit.message)\n" }
        }
        if !report.models.isEmpty {
            out += "cost (input only … every max_tokens used):\n"
            for model in report.models {
                out += "  \(model.model): \(Self.count(model.lines, "request")), " + Self.costs(model) + "\n"
            }
        }
        let total = report.total
        out +=
            "total: \(total.lines) lines, \(total.valid) valid, \(total.rejected) rejected; ~\(total.inputTokens) input tokens,"
            + " at most \(total.maxOutputTokens) output tokens; live \(Self.range(total.live)), batch \(Self.range(total.batch))"
        if !total.unpricedModels.isEmpty {
            out += " (without \(total.unpricedModels.joined(separator: ", ")): no price)"
        }
        return out + "\n"
    }

    static func costs(_ model: ValidationReport.Model) -> String {
        guard let live = model.live else { return "no price" }
        var text = "live \(range(live)), batch \(model.batch.map(range) ?? "no batch price")"
        if model.unboundedLines > 0 {
            text += "; \(model.unboundedLines) without max_tokens: their answers are not in the range"
        }
        if model.audioLines > 0 { text += "; \(model.audioLines) priced per minute of audio: not estimated" }
        if let priced = model.pricedAs, priced != model.model { text += " (priced as \(priced))" }
        return text
    }

    static func range(_ range: CostRange?) -> String {
        guard let range else { return "no price" }
        return "\(dollars(range.low)) … \(dollars(range.high))"
    }

    static func dollars(_ value: Double) -> String {
        if value == 0 { return "$0" }
        if value >= 0.01 { return String(format: "$%.2f", value) }
        return String(format: "$%.6f", value)
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
