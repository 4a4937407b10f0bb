import Foundation

/// Runs two blocking pieces of work at the same time: the first on the calling thread, the second
/// on a thread of its own (named `batchd-overlap`).
///
/// Not on a Dispatch worker: on Linux those are the threads that run Swift tasks, and the second
/// piece (an ingest chunk's SQLite commit) would hold one of them.
///
/// Guarantees: both have finished when ``run(_:alongside:)`` returns or throws; an error of
/// either is rethrown (`second`'s when both fail). Ingest uses it to read and parse the
/// next chunk of lines while the current one is committed: the two touch disjoint state.
public enum Overlap {
    /// Runs `first` and `second` concurrently and returns `first`'s result.
    public static func run<T>(_ first: () throws -> T, alongside second: () throws -> Void) throws -> T {
        let handoff = Handoff()
        let firstResult = withoutActuallyEscaping(second) { second in
            handoff.work = second
            let done = DispatchSemaphore(value: 0)
            Thread {
                BlockingWork.nameCurrentThread("batchd-overlap")
                handoff.runWork()
                done.signal()
            }.start()
            let result = Result { try first() }
            // The other thread dropped `second` before signalling: nothing holds it past this block.
            done.wait()
            return result
        }
        if case .failure(let error)? = handoff.result { throw error }
        return try firstResult.get()
    }

    /// The second piece and its result, shared with its thread: written there, read after it has
    /// signalled.
    private final class Handoff: @unchecked Sendable {
        var work: (() throws -> Void)?
        var result: Result<Void, any Error>?

        /// Runs the work, then lets go of it (it must not outlive ``Overlap/run(_:alongside:)``).
        func runWork() {
            let outcome = Result { try work!() }
            work = nil
            result = outcome
        }
    }
}
