import BatchCore
import BatchStore
import Logging

/// The outcomes of a pack: one request for several embedding lines.
///
/// The exactly-once rule holds line by line: each line of a pack gets its own output line, queued
/// in the recorder like any line's and marked done in the commit that covers it
/// (``OutcomeWriter``); a pack whose answer was not recorded leaves every one of its lines pending,
/// so a crash re-sends the lines of the packs in flight, and nothing recorded.
///
/// - 2xx, split back (``PackSplit/lines(_:answerBytes:)``): each line a 200 results line with
///   the pack's request id and its share of the usage.
/// - 2xx that does not split (wrong count or indexes): retried as a body that is not JSON is; after
///   the last attempt each line gets a `malformed_answer` error line.
/// - 400, 413, 422: bisected (``DispatchState/bisect(_:now:)``); a line alone gets the answer as
///   its final error line. A bisection is not counted as an attempt of the lines.
/// - Other final errors: each line gets the answer as its error line.
/// - 429, 5xx, transport failures: the whole pack is retried, each line's retry recorded.
extension DispatchLoop {
    /// The statuses that say the request's content is at fault, perhaps only one of its inputs.
    static let bisectedStatuses: Set<Int> = [400, 413, 422]

    func handlePack(
        _ pack: DispatchItem, _ result: RequestSender.Result, state: inout DispatchState,
        reachability: inout EndpointReachability, policy: RetryPolicy, now: Timestamp
    ) {
        let attempt: AttemptResult
        var split = PackSplit.none
        switch result {
        case .cancelled:
            state.finished(pack, now: now)
            return
        case .inputModified(let detail):
            state.finished(pack, now: now)
            state.stop(.inputModified(sender.input.path, detail: detail))
            return
        case .authFailed(let detail):
            // Not an attempt of its lines: they stay pending, their attempts unchanged.
            for member in pack.members {
                recorder.retry(
                    line: member.request.line, attempts: member.attempts, nextAttemptAt: now,
                    code: BatchdError.Code.authFailed.rawValue, now: now)
            }
            state.finished(pack, now: now)
            state.stop(.authFailed(endpointName, job: jobID, detail: detail))
            return
        case .attempt(let result):
            attempt = result
        case .packed(let result, let parts):
            (attempt, split) = (result, parts)
        }
        let unreachable = reachability.record(attempt)
        var pack = pack
        pack.latency = nil
        if case .failure(let failure) = attempt, failure.kind == .unreachable {
            pack.due = now.advanced(by: policy.backoff.delay(forRetry: 1, unitRandom: environment.random()))
            for member in pack.members {
                recorder.retry(
                    line: member.request.line, attempts: member.attempts, nextAttemptAt: pack.due,
                    code: failure.kind.rawValue, now: now)
            }
            state.retry(pack, pauseLane: false, now: now)
            if unreachable {
                state.stop(
                    .endpointUnreachable(
                        endpointName, job: jobID, count: reachability.consecutiveUnreachable,
                        detail: failure.message))
            }
            return
        }
        pack.attempts += 1
        let throttledBefore = pack.throttled
        var headers = RateLimitHeaders()
        if case .answer(let answer) = attempt {
            pack.latency = answer.latency
            headers = RateLimitHeaders(answer.headers)
            state.observe(
                lane: pack.lane, headers: headers, success: answer.isSuccess, cost: pack.cost, now: now)
            if case .lines(_, _, sentWhole: true) = split, let usage = answer.bodyScan?.usage {
                state.reported(lane: pack.lane, estimated: pack.cost, promptTokens: usage.promptTokens)
            }
            if answer.status == 429 {
                recorder.noteThrottled(now: now)
                pack.throttled += 1
            }
        }
        let decision = policy.decide(
            attempt, attempt: pack.attempts, throttledBefore: throttledBefore, now: now)
        switch decision {
        case .succeed:
            guard case .answer = attempt, case .lines(let lines, let bytes, _) = split else {
                // Not reached: a 2xx that did not split is not JSON to the policy. Its lines stay pending.
                state.finished(pack, now: now)
                return
            }
            state.learnAnswerSize(bytes: bytes, inputs: pack.inputCount)
            // Each share is its whole output line already (``RequestSender/sendPack(_:job:)``).
            for (member, line) in zip(pack.members, lines) {
                recorder.finish(
                    line: member.request.line, succeeded: true, attempts: member.attempts + 1, lastError: nil,
                    model: member.request.model, usage: line.usage, output: line.body, now: now)
            }
            state.answered(pack, succeeded: true, now: now)
            recordLines(pack.lineCount, succeeded: true)
            for member in pack.members { runStats?.finished(member, attempt, succeeded: true, now: now) }
        case .fail(let code):
            if case .answer(let answer) = attempt, Self.bisectedStatuses.contains(answer.status) {
                state.bisect(pack, now: now)
                logger.debug(
                    "pack refused, split in halves",
                    metadata: ["first_line": "\(pack.request.line)", "lines": "\(pack.lineCount)"])
                return
            }
            for member in pack.members {
                var member = member
                member.attempts += 1
                recorder.finish(
                    line: member.request.line, succeeded: false, attempts: member.attempts,
                    lastError: Self.packCode(code, split),
                    model: member.request.model, usage: nil,
                    output: packFailureLine(member, attempt, split: split, code: code), now: now)
            }
            state.answered(pack, succeeded: false, now: now)
            recordLines(pack.lineCount, succeeded: false)
            for member in pack.members { runStats?.finished(member, attempt, succeeded: false, now: now) }
        case .retry(let code, let wait, let throttled):
            let retryNumber = throttled ? pack.throttled : pack.attempts - pack.throttled
            let delay = wait ?? policy.backoff.delay(forRetry: retryNumber, unitRandom: environment.random())
            pack.due = now.advanced(by: delay)
            for index in pack.members.indices {
                pack.members[index].attempts += 1
                pack.members[index].throttled = pack.throttled
                let member = pack.members[index]
                recorder.retry(
                    line: member.request.line, attempts: member.attempts, nextAttemptAt: pack.due,
                    code: Self.packCode(code, split), now: now)
            }
            // As for a line alone: the lane tells a quota 429 (pause, narrow) from a capacity one.
            if throttled, case .answer(let answer) = attempt {
                let signal = ThrottleSignal(
                    headers: headers, bodySaysCapacity: ThrottleSignal.saysCapacity(body: answer.body))
                state.throttled(pack, signal: signal, now: now)
            } else {
                state.retry(pack, pauseLane: false, now: now)
            }
            runStats?.retried(pack)
        case .stopJob(let reason):
            for member in pack.members {
                recorder.retry(
                    line: member.request.line, attempts: member.attempts + 1, nextAttemptAt: now,
                    code: reason.code.rawValue, now: now)
            }
            state.finished(pack, now: now)
            state.stop(reason)
        }
    }

    /// A 2xx answer that did not split is `malformed_answer`, whatever the policy called it.
    static func packCode(_ code: String, _ split: PackSplit) -> String {
        if case .malformed = split { return "malformed_answer" }
        return code
    }

    private func packFailureLine(
        _ member: DispatchItem, _ attempt: AttemptResult, split: PackSplit, code: String
    )
        -> [UInt8]
    {
        let attempts = member.attempts == 1 ? "1 attempt" : "\(member.attempts) attempts"
        switch attempt {
        case .answer(let answer):
            var error: (code: String, message: String)? = nil
            if case .malformed(let reason) = split {
                error = ("malformed_answer", "\(reason) (after \(attempts))")
            } else if answer.isSuccess {
                error = (code, "the answer's body is not valid JSON (after \(attempts))")
            }
            return OutputLine.answer(
                id: lineID(member), customID: member.request.customID, answer: answer, error: error)
        case .failure(let failure):
            return OutputLine.failure(
                id: lineID(member), customID: member.request.customID, code: failure.kind.rawValue,
                message: "\(failure.message) (after \(attempts))")
        }
    }

    private func lineID(_ item: DispatchItem) -> String {
        OutputLine.id(job: jobID, line: item.request.line)
    }

    private func recordLines(_ count: Int, succeeded: Bool) {
        progress.update {
            if succeeded { $0.counts.succeeded += count } else { $0.counts.failed += count }
            $0.recordedThisRun += count
        }
    }
}
