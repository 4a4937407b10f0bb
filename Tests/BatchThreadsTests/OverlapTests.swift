import BatchThreads
import Foundation
import Synchronization
import Testing

@testable import BatchThreads

@Suite("Overlap")
struct OverlapTests {
    struct Failure: Error, Equatable { var name: String }

    /// How long a handshake waits for the other side. Only an implementation that does not run
    /// the two at the same time ever waits this long (and then the test fails): the two sides
    /// meet as soon as both are running.
    static let handshake = DispatchTimeInterval.seconds(10)

    @Test("both run at the same time, to the end; the first's value is returned")
    func both() throws {
        let firstRunning = DispatchSemaphore(value: 0)
        let secondRunning = DispatchSemaphore(value: 0)
        let ran = Mutex<[String]>([])
        // Each side waits for the other to be running: run one after the other, the first to run
        // would wait for a side that has not started.
        let value = try Overlap.run(
            {
                firstRunning.signal()
                let met = secondRunning.wait(timeout: .now() + Self.handshake) == .success
                ran.withLock { $0.append(met ? "first met second" : "first ran alone") }
                return 42
            },
            alongside: {
                secondRunning.signal()
                let met = firstRunning.wait(timeout: .now() + Self.handshake) == .success
                ran.withLock { $0.append(met ? "second met first" : "second ran alone") }
            })
        #expect(value == 42)
        #expect(ran.withLock { $0.sorted() } == ["first met second", "second met first"])
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

    @Test("either's error is thrown; the second's when both fail, whichever ends first, after both ended")
    func errors() throws {
        #expect(throws: Failure(name: "first")) {
            try Overlap.run({ () throws -> Int in throw Failure(name: "first") }, alongside: {})
        }
        #expect(throws: Failure(name: "second")) {
            try Overlap.run({ 1 }, alongside: { throw Failure(name: "second") })
        }
        for firstEndsFirst in [true, false] {
            // The side that ends first lets the other go on; the other ends only then.
            let ended = Mutex<[String]>([])
            let firstEnded = DispatchSemaphore(value: 0)
            let secondEnded = DispatchSemaphore(value: 0)
            #expect(throws: Failure(name: "second"), "first ends first: \(firstEndsFirst)") {
                try Overlap.run(
                    { () throws -> Int in
                        if !firstEndsFirst { _ = secondEnded.wait(timeout: .now() + Self.handshake) }
                        ended.withLock { $0.append("first") }
                        firstEnded.signal()
                        throw Failure(name: "first")
                    },
                    alongside: {
                        if firstEndsFirst { _ = firstEnded.wait(timeout: .now() + Self.handshake) }
                        ended.withLock { $0.append("second") }
                        secondEnded.signal()
                        throw Failure(name: "second")
                    })
            }
            // Read once the call has thrown: both sides had ended by then, in the order arranged.
            #expect(ended.withLock { $0 } == (firstEndsFirst ? ["first", "second"] : ["second", "first"]))
        }
    }
}
