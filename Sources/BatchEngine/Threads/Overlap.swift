import Dispatch

/// Runs two blocking pieces of work at the same time, on the calling thread and one other.
///
/// Guarantees: both have finished when ``run(_:alongside:)`` returns or throws; an error of
/// either is rethrown (`second`'s when both fail). Ingest uses it to read and parse the
/// next chunk of lines while the current one is committed: the two touch disjoint state.
enum Overlap {
    /// Runs `first` and `second` concurrently and returns `first`'s result.
    static func run<T>(_ first: () throws -> T, alongside second: () throws -> Void) throws -> T {
        let box = Results<T>()
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let work = UncheckedWork(first: first, second: second)
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    if index == 0 {
                        box.first = Result { try work.first() }
                    } else {
                        box.second = Result { try work.second() }
                    }
                }
            }
        }
        if case .failure(let error)? = box.second { throw error }
        guard let result = box.first else { fatalError("concurrentPerform skipped an iteration") }
        return try result.get()
    }

    /// Each slot is written by one iteration only and read after both have ended.
    private final class Results<T>: @unchecked Sendable {
        var first: Result<T, any Error>?
        var second: Result<Void, any Error>?
    }

    /// The two closures, handed to the other thread. Safe because each runs on one thread only
    /// and both end before `run` returns.
    private struct UncheckedWork<T>: @unchecked Sendable {
        let first: () throws -> T
        let second: () throws -> Void
    }
}
