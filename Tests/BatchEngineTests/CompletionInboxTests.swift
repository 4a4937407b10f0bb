import BatchCore
import BatchStore
import Synchronization
import Testing

@testable import BatchEngine

@Suite("CompletionInbox")
struct CompletionInboxTests {
    /// Counts the wakeups the inbox posts.
    final class Wakeups: Sendable {
        let count = Mutex(0)
    }

    @Test("one wakeup until the loop takes the results; results come out in delivery order")
    func oneWakeupPerTake() {
        let wakeups = Wakeups()
        let inbox = CompletionInbox { wakeups.count.withLock { $0 += 1 } }
        let items = (1...5).map { DispatchStateTests.item($0) }

        for item in items[0..<3] { inbox.deliver(item, .cancelled) }
        #expect(wakeups.count.withLock { $0 } == 1)
        #expect(inbox.takeAll().map(\.item.request.line) == [1, 2, 3])

        #expect(inbox.takeAll().isEmpty)
        for item in items[3...] { inbox.deliver(item, .inputModified("x")) }
        #expect(wakeups.count.withLock { $0 } == 2)
        let rest = inbox.takeAll()
        #expect(rest.map(\.item.request.line) == [4, 5])
        guard case .inputModified("x") = rest[0].result else {
            Issue.record("expected the delivered result, got \(rest[0].result)")
            return
        }
    }

    @Test("deliveries from many tasks at once: each result once, one wakeup per take")
    func concurrentDeliveries() async {
        let wakeups = Wakeups()
        let inbox = CompletionInbox { wakeups.count.withLock { $0 += 1 } }
        await withTaskGroup(of: Void.self) { group in
            for line in 1...200 {
                group.addTask { inbox.deliver(DispatchStateTests.item(line), .cancelled) }
            }
        }
        #expect(wakeups.count.withLock { $0 } == 1)
        #expect(inbox.takeAll().map(\.item.request.line).sorted() == Array(1...200))
    }

    @Test("a quiet inbox posts nothing; leaving quiet posts once for what waited")
    func quiet() {
        let wakeups = Wakeups()
        let inbox = CompletionInbox { wakeups.count.withLock { $0 += 1 } }
        inbox.setQuiet(true)
        for line in 1...3 { inbox.deliver(DispatchStateTests.item(line), .cancelled) }
        #expect(wakeups.count.withLock { $0 } == 0, "paced: the loop takes them at its own wakeup")
        #expect(inbox.takeAll().map(\.item.request.line) == [1, 2, 3])
        inbox.deliver(DispatchStateTests.item(4), .cancelled)
        inbox.setQuiet(false)
        #expect(wakeups.count.withLock { $0 } == 1, "an answer that waited is not left behind")
        inbox.deliver(DispatchStateTests.item(5), .cancelled)
        #expect(wakeups.count.withLock { $0 } == 1, "already posted")
        #expect(inbox.takeAll().count == 2)
        inbox.setQuiet(false)
        #expect(wakeups.count.withLock { $0 } == 1, "nothing waiting: nothing posted")
    }
}
