import Foundation
import Testing

@testable import BatchEngine

@Suite("BlockingWork")
struct BlockingWorkTests {
    /// State that is not `Sendable`, as the recorder and the ingestor's files are not.
    final class Counter {
        var value = 0
    }

    @Test("runs on a thread of its own, returns the result, and the caller sees the body's writes")
    func result() async throws {
        let counter = Counter()
        let callerThread = pthread_self()
        let (result, bodyThread) = try await BlockingWork.run { () -> (Int, pthread_t) in
            counter.value += 41
            return (counter.value + 1, pthread_self())
        }
        #expect(result == 42)
        #expect(counter.value == 41)
        #expect(pthread_equal(bodyThread, callerThread) == 0)
    }

    @Test("an error of the body is rethrown")
    func error() async {
        struct Failure: Error, Equatable {}
        await #expect(throws: Failure.self) { try await BlockingWork.run { throw Failure() } }
    }

    @Test("a cancelled caller still runs the body to its end")
    func cancelled() async throws {
        let task = Task { () -> (cancelled: Bool, bodySawCancel: Bool, runs: Int) in
            withUnsafeCurrentTask { $0?.cancel() }
            let counter = Counter()
            // The body runs on the pool, outside the task: it does not see the cancellation.
            let bodySawCancel = try await BlockingWork.run {
                counter.value += 1
                return Task.isCancelled
            }
            return (Task.isCancelled, bodySawCancel, counter.value)
        }
        let outcome = try await task.value
        #expect(outcome.cancelled)
        #expect(!outcome.bodySawCancel)
        #expect(outcome.runs == 1)
    }
}
