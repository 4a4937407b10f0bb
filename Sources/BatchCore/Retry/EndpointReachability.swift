/// Decides when a job's endpoint counts as unreachable: the pure rule, fed with each attempt's
/// result in the order they come back, so it is tested without a network.
///
/// A refused connection or a host name that does not resolve (``TransportFailure/Kind/unreachable``)
/// says nothing about the request, only that nothing answers there; when every request fails so,
/// the job should stop rather than spend every line's attempts.
///
/// Guarantees:
/// - it reports unreachable exactly when the last `threshold` unreachable failures came back with
///   no HTTP answer between them (across lines: the count is the endpoint's, not a request's);
/// - an HTTP answer of any status proves the endpoint reachable and starts the count again;
/// - other failures (timeouts, connections closed mid-answer, files that cannot be read) prove
///   nothing either way and leave the count as it is;
/// - once it has reported, every further unreachable failure reports again, until an answer.
public struct EndpointReachability: Sendable, Equatable {
    /// Unreachable failures in a row, with no answer between, after which the job stops.
    public static let defaultThreshold = 20

    public let threshold: Int
    /// Unreachable failures since the last HTTP answer (or the start).
    public private(set) var consecutiveUnreachable = 0

    public init(threshold: Int = EndpointReachability.defaultThreshold) {
        self.threshold = max(1, threshold)
    }

    /// Records one attempt's result; returns whether the endpoint now counts as unreachable.
    public mutating func record(_ result: AttemptResult) -> Bool {
        switch result {
        case .answer:
            consecutiveUnreachable = 0
        case .failure(let failure) where failure.kind == .unreachable:
            consecutiveUnreachable += 1
        case .failure:
            break
        }
        return isUnreachable
    }

    /// Whether the last ``threshold`` failures to come back all found nothing to talk to.
    public var isUnreachable: Bool { consecutiveUnreachable >= threshold }
}
