import Dispatch
import Foundation

/// Catches SIGINT and SIGTERM from the moment it is created, so a signal that arrives while the
/// server is still starting is not lost (and does not kill the process before a clean shutdown).
final class TerminationSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var received = false
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    /// Disables the default handlers of SIGINT and SIGTERM and starts listening for them.
    init() {
        let queue = DispatchQueue(label: "batchd-sim.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
            sources.append(source)
        }
    }

    /// Returns once SIGINT or SIGTERM has arrived (immediately if one already did).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyReceived = lock.withLock { () -> Bool in
                if received { return true }
                self.continuation = continuation
                return false
            }
            if alreadyReceived { continuation.resume() }
        }
    }

    private func fire() {
        let pending = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            received = true
            defer { continuation = nil }
            return continuation
        }
        pending?.resume()
    }
}
