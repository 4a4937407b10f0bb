import BatchCore
import BatchEngine
import Foundation

/// The live progress line on a terminal: done/total, rate, ETA, errors.
struct ProgressDisplay: Sendable {
    let runner: JobRunner
    let enabled: Bool

    func run() async {
        guard enabled else { return }
        let start = Date()
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            let snapshot = runner.progress.snapshot
            let counts = snapshot.counts
            let done = counts.succeeded + counts.failed
            let elapsed = Date().timeIntervalSince(start)
            let rate = elapsed > 0 ? Double(snapshot.recordedThisRun) / elapsed : 0
            let eta = rate > 0 ? Double(counts.pending) / rate : 0
            let line =
                snapshot.phase == .ingesting
                ? "job \(runner.jobID): reading input…"
                : "job \(runner.jobID): \(done)/\(counts.requests)  \(String(format: "%.1f", rate)) req/s"
                    + "  ETA \(Self.duration(eta))  errors \(counts.failed + counts.rejected)"
                    + (snapshot.phase == .draining ? "  (stopping)" : "")
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
        }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(total % 3600 / 60)m" }
        if total >= 60 { return "\(total / 60)m\(total % 60)s" }
        return "\(total)s"
    }
}
