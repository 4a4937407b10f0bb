import BatchCore
import BatchStore
import BatchThreads
import Foundation

extension OutputFiles {
    /// Path of the HTML report (`<stem>.report.html`), beside the JSON one.
    public var reportHTML: String {
        report.hasSuffix(".json") ? String(report.dropLast(5)) + ".html" : report + ".html"
    }
}

extension JobReport {
    /// Writes the reports of `job`, ended: `<stem>.report.json` (counts and tokens from `summary`,
    /// statistics from `store`, costs at `prices`), then `<stem>.report.html` (``HTMLReport``,
    /// with the error groups read from the committed errors file). Each file is written
    /// atomically; the JSON report is written first, so a job that has one was reported whole.
    static func writeFinal(job: JobRecord, summary: JobUsageSummary, store: Store, prices: PriceTable)
        async throws
    {
        let stats = try await RunStats.load(job: job.id, store: store)
        var report = JobReport(job: job, usage: summary.usage, estimated: summary.estimated)
        report.add(
            stats: stats, usage: summary.usage, prices: prices, batchUsage: summary.batchUsage,
            lines: summary.lines)
        report.add(savings: try await store.cacheSavings(job: job.id), prices: prices)
        let files = OutputFiles(input: job.inputPath)
        let finished = report
        let committed = job.committedOutput.errorsBytes
        // Reading a large errors file takes seconds: on a thread of the blocking pool.
        try await BlockingWork.run {
            try finished.write(to: files.report)
            var groups = ErrorGroups()
            try ErrorsFile.forEachLine(path: files.errors, committedBytes: committed) { groups.add($0) }
            let page = HTMLReport(report: finished, stats: stats, errors: groups.sorted).render()
            do {
                try Data(page.utf8).write(to: URL(fileURLWithPath: files.reportHTML), options: .atomic)
            } catch {
                throw BatchdError.outputUnwritable(files.reportHTML, reason: error.localizedDescription)
            }
        }
    }
}
