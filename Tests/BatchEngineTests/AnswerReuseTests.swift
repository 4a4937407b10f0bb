import BatchCore
import BatchEngine
import BatchStore
import Testing

@Suite("AnswerReuse: which lines of a run are sent and which reuse another's answer")
struct AnswerReuseTests {
    private func item(_ line: Int) -> DispatchItem {
        DispatchItem(
            request: PendingRequest(
                line: line, offset: 0, length: 1, customID: "c\(line)", path: "chat/completions", model: "m",
                attempts: 0, nextAttemptAt: Timestamp(milliseconds: 0)),
            lane: LaneKey(endpoint: "e", model: "m"))
    }

    @Test("the first line of a key leads, later ones follow until its answer, then reuse it")
    func leadFollowReuse() throws {
        let reuse = AnswerReuse()
        #expect(reuse.admit(item(1), key: 7) == .lead)
        #expect(reuse.admit(item(2), key: 7) == .follow)
        #expect(reuse.admit(item(3), key: 8) == .lead)
        #expect(reuse.heldBack == 1)
        let answered = reuse.noteAnswered(line: 1, output: Array("x\n".utf8))
        #expect(answered?.key == 7)
        #expect(answered?.followers.map(\.request.line) == [2])
        #expect(reuse.admit(item(5), key: 7) == .reuse(Array("x\n".utf8)))
        #expect(reuse.noteAnswered(line: 2, output: []) == nil, "a follower leads nothing")
    }

    @Test("an answer kept in memory is reused; one past the memory budget is forgotten")
    func memory() {
        let reuse = AnswerReuse()
        reuse.memoryBudget = 10
        #expect(reuse.admit(item(1), key: 1) == .lead)
        #expect(reuse.admit(item(2), key: 2) == .lead)
        reuse.noteAnswered(line: 1, output: Array("123456\n".utf8))
        #expect(reuse.admit(item(3), key: 1) == .reuse(Array("123456\n".utf8)))
        reuse.noteAnswered(line: 2, output: Array("abcdef\n".utf8))
        #expect(reuse.admit(item(4), key: 2) == .reuse(Array("abcdef\n".utf8)))
        #expect(reuse.admit(item(5), key: 1) == .lead, "the oldest answer left the budget")
    }

    @Test("a leader's failure releases its followers, in line order, to be sent on their own")
    func failureReleases() {
        let reuse = AnswerReuse()
        #expect(reuse.admit(item(1), key: 5) == .lead)
        #expect(reuse.admit(item(4), key: 5) == .follow)
        #expect(reuse.admit(item(2), key: 5) == .follow)
        reuse.noteFailed(line: 1)
        #expect(reuse.takeReleased().map(\.request.line) == [2, 4])
        #expect(reuse.takeReleased().isEmpty)
        #expect(reuse.admit(item(9), key: 5) == .lead, "no answer: the next line of the key leads again")
    }
}
