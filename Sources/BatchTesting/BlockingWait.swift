import Foundation

/// Runs `body`, a call that blocks (waiting for a child process, reading a socket), on a thread of
/// its own, and returns its result to the awaiting task.
///
/// Not on `DispatchQueue.global()`: on Linux the Swift concurrency pool *is* libdispatch's global
/// queue, with as many threads as cores. A test that blocks one of them there starves every other
/// test in the process, and the code under test, until libdispatch adds a thread, which took
/// seconds on the 2-core CI machine (a 200 ms request measured 5 s; a `SIGINT` arrived after the
/// job it was meant to stop had finished).
public func blockingWait<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.name = "blocking-wait"
        thread.start()
    }
}
