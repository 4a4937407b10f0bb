import BatchThreads
import Foundation
import Synchronization
import Testing

@testable import BatchThreads

@Suite("Overlap")
struct OverlapTests {
    struct Failure: Error, Equatable { var name: String }

    @Test("both run to the end; the first's value is returned")
    func both() throws {
        let ran = Mutex<[String]>([])
        let value = try Overlap.run(
            {
                ran.withLock { $0.append("first") }
                return 42
            },
            alongside: { ran.withLock { $0.append("second") } })
        #expect(value == 42)
        #expect(ran.withLock { $0.sorted() } == ["first", "second"])
    }

    @Test("the second runs on a thread of its own, not a Dispatch worker that runs Swift tasks")
    func secondThread() throws {
        let name = Mutex<String?>(nil)
        try Overlap.run(
            {},
            alongside: {
                let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
                name.withLock { $0 = comm?.trimmingCharacters(in: .newlines) }
            })
        #expect(name.withLock { $0 } == "batchd-overlap")
    }

    @Test("the second closure never outlives the call (the runtime traps if it does), over many calls")
    func closureNeverOutlivesTheCall() throws {
        // The thread runs on after it signals: it must let go of `second` before. Holding it a
        // moment too long traps in `withoutActuallyEscaping`, often enough in 2,000 calls.
        var sum = 0
        for i in 0..<2_000 {
            sum += try Overlap.run({ i }, alongside: { _ = i })
        }
        #expect(sum == (0..<2_000).reduce(0, +))
    }

    @Test("either's error is thrown; the second's when both fail, after both ended")
    func errors() throws {
        #expect(throws: Failure(name: "first")) {
            try Overlap.run({ () throws -> Int in throw Failure(name: "first") }, alongside: {})
        }
        #expect(throws: Failure(name: "second")) {
            try Overlap.run({ 1 }, alongside: { throw Failure(name: "second") })
        }
        let finished = Mutex(false)
        #expect(throws: Failure(name: "second")) {
            try Overlap.run(
                { () throws -> Int in
                    usleep(20_000)
                    finished.withLock { $0 = true }
                    throw Failure(name: "first")
                }, alongside: { throw Failure(name: "second") })
        }
        #expect(finished.withLock { $0 })
    }
}
