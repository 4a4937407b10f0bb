import BatchThreads
import Foundation
import Testing

@testable import BatchThreads

@Suite("BlockingWork")
struct BlockingWorkTests {
    /// State that is not `Sendable`, as the recorder and the ingestor's files are not.
    final class Counter {
        var value = 0
    }

    /// Runs `body` on the pool, or on a thread of its own.
    static func run<T>(ownThread: Bool, _ body: @escaping () throws -> T) async throws -> T {
        ownThread
            ? try await BlockingWork.runOnOwnThread(name: "test-blocking", body)
            : try await BlockingWork.run(body)
    }

    @Test(
        "runs on another thread, returns the result, and the caller sees the body's writes",
        arguments: [false, true])
    func result(ownThread: Bool) async throws {
        let counter = Counter()
        let callerThread = pthread_self()
        let (result, bodyThread, name) = try await Self.run(ownThread: ownThread) {
            () -> (Int, pthread_t, String?) in
            counter.value += 41
            // The name the system shows (top, perf), not Foundation's copy of it.
            let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            return (counter.value + 1, pthread_self(), comm?.trimmingCharacters(in: .newlines))
        }
        #expect(result == 42)
        #expect(counter.value == 41)
        #expect(pthread_equal(bodyThread, callerThread) == 0)
        if ownThread { #expect(name == "test-blocking") }
    }

    @Test("an error of the body is rethrown", arguments: [false, true])
    func error(ownThread: Bool) async {
        struct Failure: Error, Equatable {}
        await #expect(throws: Failure.self) { try await Self.run(ownThread: ownThread) { throw Failure() } }
    }

    @Test("a cancelled caller still runs the body to its end", arguments: [false, true])
    func cancelled(ownThread: Bool) async throws {
        let task = Task { () -> (cancelled: Bool, bodySawCancel: Bool, runs: Int) in
            withUnsafeCurrentTask { $0?.cancel() }
            let counter = Counter()
            // The body runs outside the task: it does not see the cancellation.
            let bodySawCancel = try await Self.run(ownThread: ownThread) {
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
