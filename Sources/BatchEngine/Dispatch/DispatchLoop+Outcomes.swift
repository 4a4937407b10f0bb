import BatchCore
import BatchStore
import Logging

extension DispatchLoop {
    /// Turns one send's result into a queued line, a retry, or a stop. A request with a line to
    /// record frees its lane slot at once and counts as unrecorded until its batch is committed
    /// (see ``DispatchState/answered(_:succeeded:now:)``). Every attempt's result also feeds
    /// `reachability`, the job's count of failures that found nothing to talk to.
    func handle(
        _ item: DispatchItem, _ result: RequestSender.Result, state: inout DispatchState,
        reachability: inout EndpointReachability, policy: RetryPolicy, now: Timestamp
    ) {
        spendGate?.settle(item, result)
        runStats?.record(item, result, now: now)
        if item.isPack {
            handlePack(item, result, state: &state, reachability: &reachability, policy: policy, now: now)
            return
        }
        let request = item.request
        switch result {
        case .packed:
            preconditionFailure("only a pack is answered as one")
        case .cancelled:
            state.finished(item, now: now)
        case .inputModified(let detail):
            state.finished(item, now: now)
            state.stop(.inputModified(sender.input.path, detail: detail))
        case .authFailed(let detail):
            // Not an attempt of the request: it stays pending, its attempts unchanged.
            recorder.retry(
                line: request.line, attempts: item.attempts, nextAttemptAt: now,
                code: BatchdError.Code.authFailed.rawValue, now: now)
            state.finished(item, now: now)
            state.stop(.authFailed(endpointName, job: jobID, detail: detail))
        case .attempt(let attempt):
            let unreachable = reachability.record(attempt)
            if case .failure(let failure) = attempt, failure.kind == .unreachable {
                keepPending(
                    item, failure, stop: unreachable ? reachability.consecutiveUnreachable : nil,
                    state: &state,
                    policy: policy, now: now)
                return
            }
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
                if answer.isSuccess, Self.promptOnlyPaths.contains(request.path), let usage = answer.usage {
                    state.reported(lane: item.lane, estimated: request.cost, promptTokens: usage.promptTokens)
                }
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
                runStats?.finished(item, attempt, succeeded: true, now: now)
            case .fail(let code):
                recorder.finish(
                    line: request.line, succeeded: false, attempts: item.attempts, lastError: code,
                    model: request.model, usage: nil, output: failureLine(item, attempt, code: code), now: now
                )
                state.answered(item, succeeded: false, now: now)
                record(succeeded: false)
                runStats?.finished(item, attempt, succeeded: false, now: now)
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
                var cause = "-"
                if throttled, case .answer(let answer) = attempt {
                    let signal = ThrottleSignal(
                        headers: headers, bodySaysCapacity: ThrottleSignal.saysCapacity(body: answer.body))
                    cause = "\(state.throttled(item, signal: signal, now: now))"
                } else {
                    state.retry(item, pauseLane: false, now: now)
                }
                runStats?.retried(item)
                logger.debug(
                    "request will be retried",
                    metadata: [
                        "custom_id": "\(request.customID)", "code": "\(code)", "attempt": "\(item.attempts)",
                        "delay_ms": "\(delay.wholeMillisecondsRoundedUp)", "throttle": "\(cause)",
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

    /// A send that found nothing to talk to (connection refused, no such host) is not an attempt
    /// of the request, and never its final outcome: the request stays pending with its attempts
    /// unchanged and is sent again after the policy's first backoff (at most 0.5 s by default). When
    /// `stop` gives how many such failures came in a row, the endpoint counts as unreachable
    /// (``EndpointReachability``) and the job stops instead, every such request still pending, so
    /// that `batchctl resume` sends them once the endpoint is back.
    private func keepPending(
        _ item: DispatchItem, _ failure: TransportFailure, stop: Int?, state: inout DispatchState,
        policy: RetryPolicy, now: Timestamp
    ) {
        var item = item
        item.latency = nil
        item.due = now.advanced(by: policy.backoff.delay(forRetry: 1, unitRandom: environment.random()))
        recorder.retry(
            line: item.request.line, attempts: item.attempts, nextAttemptAt: item.due,
            code: failure.kind.rawValue, now: now)
        state.retry(item, pauseLane: false, now: now)
        if let count = stop {
            let error = BatchdError.endpointUnreachable(
                endpointName, job: jobID, count: count, detail: failure.message)
            state.stop(error)
        }
        logger.debug(
            "endpoint not reached; the request stays pending",
            metadata: ["custom_id": "\(item.request.customID)", "reason": "\(failure.message)"])
    }

    /// Operations whose token estimate is all prompt, so that the `usage` of their answers tells
    /// how the server counts (``TokenCalibration``).
    static let promptOnlyPaths: Set<String> = [APIPath.embeddings.rawValue, APIPath.moderations.rawValue]

    fileprivate func lineID(_ item: DispatchItem) -> String {
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
