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
enum Overlap {
    /// Runs `first` and `second` concurrently and returns `first`'s result.
    static func run<T>(_ first: () throws -> T, alongside second: () throws -> Void) throws -> T {
        let box = SecondResult()
        let firstResult = withoutActuallyEscaping(second) { second in
            let work = UncheckedWork(second: second)
            let done = DispatchSemaphore(value: 0)
            Thread {
                BlockingWork.nameCurrentThread("batchd-overlap")
                box.value = Result { try work.second() }
                done.signal()
            }.start()
            let result = Result { try first() }
            done.wait()  // `second` must not outlive this scope
            return result
        }
        if case .failure(let error)? = box.value { throw error }
        return try firstResult.get()
    }

    /// Written by the second thread only, read after it has signalled.
    private final class SecondResult: @unchecked Sendable {
        var value: Result<Void, any Error>?
    }

    /// The second closure, handed to its thread. Safe because it runs on that thread only and
    /// ends before `run` returns.
    private struct UncheckedWork: @unchecked Sendable {
        let second: () throws -> Void
    }
}
