import BatchEngine
import Foundation
import Synchronization
import UnixSignals

/// Ctrl-C for `batchctl run`: the first SIGINT or SIGTERM drains the job running now (and every
/// job after it is not started); a second exits at once with status 130.
///
/// Guarantee: a signal is never lost between two jobs. ``begin(_:)`` and the signal handling take
/// the same lock, so a runner begun before the first signal is drained by it, and one begun after
/// is refused.
final class RunInterrupts: Sendable {
    private struct State {
        var signals = 0
        var runner: JobRunner?
    }

    private let state = Mutex(State())

    /// Whether a signal has arrived.
    var interrupted: Bool { state.withLock { $0.signals > 0 } }

    /// Makes `runner` the one a signal drains. Returns `true` when a signal already arrived: the
    /// caller must not run it.
    func begin(_ runner: JobRunner) -> Bool {
        state.withLock { state in
            guard state.signals == 0 else { return true }
            state.runner = runner
            return false
        }
    }

    /// Acts on each signal of `signals` as it arrives, until the task is cancelled.
    func handle(_ signals: UnixSignalsSequence) async {
        for await _ in signals {
            let (count, runner) = state.withLock { state in
                state.signals += 1
                return (state.signals, state.runner)
            }
            if count >= 2 { exit(ExitStatus.interrupted.rawValue) }
            FileHandle.standardError.write(
                Data("\nbatchctl: stopping: waiting for requests in flight (Ctrl-C again to quit now)\n".utf8)
            )
            runner?.drain()
        }
    }
}
