import BatchCore
import BatchStore
import Logging

extension DispatchLoop {
    /// Turns one send's result into a queued line, a retry, or a stop. A request with a line to
    /// record frees its lane slot at once and counts as unrecorded until its batch is committed
    /// (see ``DispatchState/answered(_:succeeded:now:)``).
    func handle(
        _ item: DispatchItem, _ result: RequestSender.Result, state: inout DispatchState,
        policy: RetryPolicy, now: Timestamp
    ) {
        let request = item.request
        switch result {
        case .cancelled:
            state.finished(item, now: now)
        case .inputModified(let detail):
            state.finished(item, now: now)
            state.stop(.inputModified(sender.input.path, detail: detail))
        case .attempt(let attempt):
            var item = item
            item.attempts += 1
            item.latency = nil
            let throttledBefore = item.throttled
            var headers = RateLimitHeaders()
            if case .answer(let answer) = attempt {
                item.latency = answer.latency
                headers = RateLimitHeaders(answer.headers)
                state.observe(
                    lane: item.lane, headers: headers, success: answer.isSuccess, cost: request.cost, now: now
                )
                if answer.status == 429 {
                    recorder.noteThrottled(now: now)
                    item.throttled += 1
                }
            }
            switch policy.decide(attempt, attempt: item.attempts, throttledBefore: throttledBefore, now: now)
            {
            case .succeed:
                guard case .answer(let answer) = attempt else { return }
                recorder.finish(
                    line: request.line, succeeded: true, attempts: item.attempts, lastError: nil,
                    model: request.model,
                    usage: answer.usage,
                    output: OutputLine.answer(
                        id: lineID(item), customID: request.customID, answer: answer,
                        bodyIsJSON: true),  // `.succeed` means the policy found the body valid JSON
                    now: now)
                state.answered(item, succeeded: true, now: now)
                record(succeeded: true)
            case .fail(let code):
                recorder.finish(
                    line: request.line, succeeded: false, attempts: item.attempts, lastError: code,
                    model: request.model, usage: nil, output: failureLine(item, attempt, code: code), now: now
                )
                state.answered(item, succeeded: false, now: now)
                record(succeeded: false)
                logger.debug(
                    "request failed", metadata: ["custom_id": "\(request.customID)", "code": "\(code)"])
            case .retry(let code, let wait, let throttled):
                let retryNumber = throttled ? item.throttled : item.attempts - item.throttled
                let delay =
                    wait ?? policy.backoff.delay(forRetry: retryNumber, unitRandom: environment.random())
                item.due = now.advanced(by: delay)
                recorder.retry(
                    line: request.line, attempts: item.attempts, nextAttemptAt: item.due, code: code, now: now
                )
                state.retry(item, pauseLane: throttled, headers: headers, now: now)
                logger.debug(
                    "request will be retried",
                    metadata: [
                        "custom_id": "\(request.customID)", "code": "\(code)", "attempt": "\(item.attempts)",
                        "delay_ms": "\(delay.wholeMillisecondsRoundedUp)",
                    ])
            case .stopJob(let reason):
                recorder.retry(
                    line: request.line, attempts: item.attempts, nextAttemptAt: now,
                    code: reason.code.rawValue,
                    now: now)
                state.finished(item, now: now)
                state.stop(reason)
            }
        }
    }

    private func lineID(_ item: DispatchItem) -> String {
        OutputLine.id(job: jobID, line: item.request.line)
    }

    private func failureLine(_ item: DispatchItem, _ attempt: AttemptResult, code: String) -> [UInt8] {
        let attempts = item.attempts == 1 ? "1 attempt" : "\(item.attempts) attempts"
        switch attempt {
        case .answer(let answer):
            let error: (code: String, message: String)? =
                answer.isSuccess
                ? (code, "the answer's body is not valid JSON (after \(attempts))") : nil
            return OutputLine.answer(
                id: lineID(item), customID: item.request.customID, answer: answer, error: error)
        case .failure(let failure):
            return OutputLine.failure(
                id: lineID(item), customID: item.request.customID, code: failure.kind.rawValue,
                message: "\(failure.message) (after \(attempts))")
        }
    }

    private func record(succeeded: Bool) {
        progress.update {
            if succeeded { $0.counts.succeeded += 1 } else { $0.counts.failed += 1 }
            $0.recordedThisRun += 1
        }
    }
}
