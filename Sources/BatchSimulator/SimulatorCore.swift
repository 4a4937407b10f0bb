import Foundation
import NIOCore
import NIOHTTP1

/// The request pipeline shared by all connections: auth, routing, validation, faults, rate limits,
/// rendering, and the counters.
///
/// Thread-safe and non-blocking: called on event-loop threads; the only locks (stats, ids, limiter)
/// are held just for a few arithmetic operations.
final class SimulatorCore: Sendable {
    let configuration: SimulatorConfiguration
    private let limiter: RateLimiter
    private let answers: RateLimitAnswers
    private let stats = Locked(SimulatorStats())
    private let counter = Locked<UInt64>(0)
    private let connections = Locked(0)
    private let gate = Locked(Gate())
    /// Arrival times of API requests, once ``recordArrivals()`` was called (`nil` before).
    private let arrivals = Locked<[ContinuousClock.Instant]?>(nil)
    /// When each answer is ready, for a server model other than `.fixed`.
    private let schedule: Locked<ServiceSchedule>
    private let idPrefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
    /// The Entra ID side, when configured.
    let identity: IdentityEndpoints?
    /// The Files and Batches API side.
    let batches: BatchEndpoints

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        schedule = Locked(ServiceSchedule(model: configuration.serverModel, latency: configuration.latency))
        limiter = RateLimiter(
            rpm: configuration.rpm, tpm: configuration.tpm, burstSeconds: configuration.burstSeconds)
        identity = configuration.entra.map { IdentityEndpoints(simulation: $0) }
        batches = BatchEndpoints(
            simulation: configuration.batches, embeddingDimensions: configuration.embeddingDimensions)
        answers = RateLimitAnswers(
            style: configuration.rateLimitStyle, rpm: configuration.rpm, tpm: configuration.tpm)
    }

    /// A snapshot of the counters.
    var snapshot: SimulatorStats { stats.withLock { $0 } }

    /// TCP connections accepted so far.
    var connectionsAccepted: Int { connections.withLock { $0 } }

    /// Counts one accepted TCP connection.
    func connectionOpened() {
        connections.withLock { $0 += 1 }
    }

    /// Requests held unanswered (``Simulator/holdRequests(after:)``).
    private struct Gate {
        /// Requests numbered above this are held; `nil`: none is.
        var limit: UInt64?
        var parked: [@Sendable () -> Void] = []
        /// Those waiting for a number of held requests (``waitUntilHeld(_:)``).
        var waiters: [(count: Int, resume: CheckedContinuation<Void, Never>)] = []

        /// Takes the waiters whose count is reached.
        mutating func reached() -> [CheckedContinuation<Void, Never>] {
            let ready = waiters.filter { $0.count <= parked.count }
            waiters.removeAll { $0.count <= parked.count }
            return ready.map(\.resume)
        }
    }

    /// Returns once at least `count` requests are held: an event for tests, not a poll.
    func waitUntilHeld(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = gate.withLock { gate -> Bool in
                if gate.parked.count >= count { return true }
                gate.waiters.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Holds every API request numbered above `count` from now on.
    func holdRequests(after count: Int) {
        gate.withLock { $0.limit = UInt64(max(0, count)) }
    }

    /// Stops holding and resumes the held requests.
    func releaseHeld() {
        let parked = gate.withLock { gate -> [@Sendable () -> Void] in
            gate.limit = nil
            defer { gate.parked = [] }
            return gate.parked
        }
        for resume in parked { resume() }
    }

    /// Starts logging the arrival time of every API request.
    func recordArrivals() {
        arrivals.withLock { $0 = $0 ?? [] }
    }

    /// The arrival times logged so far, in order.
    var arrivalTimes: [ContinuousClock.Instant] { arrivals.withLock { $0 ?? [] } }

    /// Requests held now.
    var heldCount: Int { gate.withLock { $0.parked.count } }

    /// Parks a request whose outcome was ``Outcome/held(_:)``: `resume` runs on release. Returns
    /// `false`, parking nothing, when the hold was released in between (go on at once then).
    func park(_ resume: @escaping @Sendable () -> Void) -> Bool {
        let (parked, ready) = gate.withLock { gate -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard gate.limit != nil else { return (false, []) }
            gate.parked.append(resume)
            return (true, gate.reached())
        }
        for waiter in ready { waiter.resume() }
        return parked
    }

    /// Decides what to do with one complete request.
    func process(_ request: SimRequest) -> Outcome {
        if let answer = identity?.answer(request) { return .respond(answer, delay: .zero) }
        if request.uri == "/_sim/stats" || request.uri.hasPrefix("/_sim/stats?") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let body = (try? encoder.encode(snapshot)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return .respond(
                SimResponse(status: .ok, contentType: "application/json", body: body), delay: .zero)
        }
        if let batchRoute = BatchRoute(method: request.method.rawValue, uri: request.uri) {
            let answer = authRefusal(request.headers) ?? batches.answer(request, route: batchRoute)
            return .respond(answer, delay: .zero)
        }
        arrivals.withLock { $0?.append(.now) }
        let number = counter.withLock { value -> UInt64 in
            value += 1
            return value
        }
        let suffix = idPrefix + String(number, radix: 16)
        let route = Route(uri: request.uri)
        let verdict = decide(request, route: route, idSuffix: suffix)
        stats.withLock { stats in
            stats.received += 1
            switch verdict {
            case .answer(let response, _, let malformed):
                if malformed { stats.malformed += 1 } else { stats.count(status: Int(response.status.code)) }
            case .drop: stats.dropped += 1
            case .hang: stats.hung += 1
            }
        }
        let outcome = outcome(of: verdict, route: route, suffix: suffix)
        let held = gate.withLock { gate in gate.limit.map { number > $0 } ?? false }
        return held ? .held(outcome) : outcome
    }

    private func outcome(of verdict: Verdict, route: Route?, suffix: String) -> Outcome {
        switch verdict {
        case .answer(var response, let delayed, _):
            response.headers.add(name: "x-request-id", value: "req_" + suffix)
            if route?.form.isAzure == true {
                response.headers.add(name: "apim-request-id", value: Self.uuidShaped(suffix))
            }
            return .respond(response, delay: delayed ? latency() : .zero)
        case .drop: return .drop(delay: latency())
        case .hang: return .hang(duration: TimeAmount(configuration.hangDuration))
        }
    }

    /// The internal decision before headers and counting.
    private enum Verdict {
        case answer(SimResponse, delayed: Bool, malformed: Bool = false)
        case drop
        case hang
    }

    /// The 401 answer for a request without valid credentials; `nil` when it may go on.
    private func authRefusal(_ headers: HTTPHeaders) -> SimResponse? {
        if let identity { return identity.refusal(headers, apiKey: configuration.apiKey) }
        if let key = configuration.apiKey, !Self.authorized(headers, key: key) {
            return ErrorResponses.invalidAPIKey
        }
        return nil
    }

    private func decide(_ request: SimRequest, route: Route?, idSuffix: String) -> Verdict {
        if let refusal = authRefusal(request.headers) { return .answer(refusal, delayed: false) }
        guard let route else { return .answer(ErrorResponses.notFound(request.uri), delayed: false) }
        guard request.method == .POST else {
            return .answer(
                ErrorResponses.error(.methodNotAllowed, code: "method_not_allowed", message: "Use POST."),
                delayed: false)
        }
        if case .azureDeployment = route.form, route.apiVersion?.isEmpty ?? true {
            return .answer(
                ErrorResponses.error(
                    .badRequest, code: "missing_api_version",
                    message: "The 'api-version' query parameter is required for deployment URLs."),
                delayed: false)
        }
        let model: String
        let call: any PreparedCall
        do throws(RequestError) {
            (model, call) = try RequestParsing.prepare(request, route: route)
        } catch {
            return .answer(ErrorResponses.invalidRequest(error.message), delayed: false)
        }
        if model == "no-quota" { return .answer(ErrorResponses.insufficientQuota, delayed: false) }
        if let embeddings = call as? EmbeddingsCall,
            let refusal = embeddings.refusal(maxInputTokens: configuration.maxInputTokens)
        {
            return .answer(refusal, delayed: true)
        }

        let fault: Fault?
        if let forced = request.headers.first(name: "x-sim-fault") {
            guard let parsed = Fault.forced(forced) else {
                return .answer(
                    ErrorResponses.invalidRequest("Unknown x-sim-fault '\(forced)'."), delayed: false)
            }
            fault = parsed
        } else {
            fault =
                configuration.faults.isEnabled ? configuration.faults.fault(forDraw: .random(in: 0..<1)) : nil
        }
        let context = RenderContext(
            model: model, idSuffix: idSuffix, created: Int(Date().timeIntervalSince1970),
            embeddingDimensions: configuration.embeddingDimensions)
        switch fault {
        case .serverError500: return .answer(ErrorResponses.serverError, delayed: true)
        case .serverError503: return .answer(ErrorResponses.serviceUnavailable, delayed: true)
        case .drop: return .drop
        case .hang: return .hang
        case .malformed:
            var response = call.render(context)
            response.body = Array(response.body.prefix(max(1, response.body.count / 2)))
            return .answer(response, delayed: true, malformed: true)
        case .random429:
            return .answer(
                answers.random429(operation: route.operation, model: model, apiVersion: route.apiVersion),
                delayed: false)
        case .capacity429: return .answer(answers.capacity429(), delayed: false)
        case nil: break
        }

        let decision = limiter.acquire(
            deployment: model, tokens: call.tokenCost, now: NIODeadline.now().uptimeNanoseconds)
        guard decision.admitted else {
            let response = answers.tooManyRequests(
                decision, operation: route.operation, model: model, apiVersion: route.apiVersion,
                requested: call.tokenCost)
            return .answer(response, delayed: false)
        }
        var response = call.render(context)
        answers.addHeaders(decision, to: &response.headers)
        if let embeddings = call as? EmbeddingsCall {
            stats.withLock { $0.countEmbeddings(inputs: embeddings.items.count) }
        }
        return .answer(response, delayed: true)
    }

    /// `api-key: KEY` or `Authorization: Bearer KEY`.
    private static func authorized(_ headers: HTTPHeaders, key: String) -> Bool {
        if headers["api-key"].contains(key) { return true }
        return headers["authorization"].contains { $0 == "Bearer " + key }
    }

    /// The configured latency (as the server model has it under the present load) plus uniform
    /// jitter; counted in ``SimulatorStats/latencyMillisecondsTotal``.
    private func latency() -> TimeAmount {
        var nanos = TimeAmount(configuration.latency).nanoseconds
        if configuration.serverModel != .fixed {
            let now = NIODeadline.now().uptimeNanoseconds
            nanos = schedule.withLock { $0.admit(now: now) }
        }
        let jitter = TimeAmount(configuration.latencyJitter).nanoseconds
        if jitter > 0 { nanos += Int64.random(in: 0...jitter) }
        stats.withLock { $0.latencyMillisecondsTotal += Int(nanos / 1_000_000) }
        return .nanoseconds(nanos)
    }

    /// A UUID-looking id for `apim-request-id`, unique per request.
    private static func uuidShaped(_ suffix: String) -> String {
        let hex = String(repeating: "0", count: max(0, 32 - suffix.count)) + suffix.suffix(32)
        let chars = Array(hex)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }
        return groups.joined(separator: "-")
    }
}
