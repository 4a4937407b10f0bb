import BatchCore
import BatchEngine
import Foundation

/// The line `run` prints when a job ends, and the exit status it implies.
struct Summary {
    var text: String
    var exitStatus: ExitStatus

    init(outcome: JobRunOutcome) {
        let job = outcome.job
        let counts = job.counts
        let files = OutputFiles(input: job.inputPath)
        let seconds = Double(job.runMilliseconds) / 1000
        let rate = seconds > 0 ? Double(counts.succeeded + counts.failed) / seconds : 0
        let tallies =
            "\(counts.succeeded) succeeded, \(counts.failed) failed, \(counts.rejected) rejected"
            + " of \(counts.requests + counts.rejected) lines; \(counts.attempts) attempts, \(counts.throttled) answered 429"
        switch outcome {
        case .completed:
            text =
                "job \(job.id) completed: \(tallies); \(Self.format(seconds)) s, \(Self.format(rate)) requests/s\n"
                + "  results: \(files.results)\n  errors:  \(files.errors)\n  report:  \(files.report)"
            exitStatus = counts.failed + counts.rejected > 0 ? .someLinesFailed : .success
        case .notRunnable where job.state == .completed:
            text =
                "job \(job.id) had already completed (nothing sent; use --new to run the file again): \(tallies)\n"
                + "  results: \(files.results)\n  errors:  \(files.errors)"
            exitStatus = counts.failed + counts.rejected > 0 ? .someLinesFailed : .success
        case .paused, .notRunnable:
            text =
                "job \(job.id) stopped (\(job.state.rawValue)): \(job.stateCode?.rawValue ?? "unknown"): \(job.stateReason ?? "")\n"
                + "  \(tallies); \(counts.pending) requests not sent yet"
            exitStatus = .jobStopped
        case .cancelled:
            text =
                "job \(job.id) cancelled: \(tallies)\n"
                + "  results: \(files.results)\n  errors:  \(files.errors)\n  report:  \(files.report)"
            exitStatus = .jobStopped
        case .drained:
            text =
                "job \(job.id) interrupted: \(tallies); \(counts.pending) requests left."
                + " Run the same command again to resume."
            exitStatus = .interrupted
        }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
