import Dispatch
import Foundation

/// Suspends until the process receives SIGINT or SIGTERM.
enum SignalWaiter {
    /// Returns once SIGINT or SIGTERM arrives; the default handlers are disabled so the caller can
    /// shut down cleanly.
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "batchd-sim.signals")
            let once = Once(continuation)
            var sources: [any DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { once.resume() }
                source.resume()
                sources.append(source)
            }
            once.keep(sources)
        }
    }

    /// Resumes the continuation at most once and keeps the signal sources alive until then.
    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        private var sources: [any DispatchSourceSignal] = []

        init(_ continuation: CheckedContinuation<Void, Never>) {
            self.continuation = continuation
        }

        func keep(_ sources: [any DispatchSourceSignal]) {
            lock.withLock { self.sources = sources }
        }

        func resume() {
            let pending = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                defer { continuation = nil }
                return continuation
            }
            pending?.resume()
        }
    }
}
