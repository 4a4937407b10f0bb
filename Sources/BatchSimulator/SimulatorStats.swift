/// A snapshot of the simulator's counters, also served as JSON at `GET /_sim/stats`.
///
/// Every API request (anything but `/_sim/…`) increments ``received`` on arrival and then exactly
/// one outcome counter when its fate is decided (before any latency), so once all answers are in,
/// `received == answered2xx + answered429 + answered4xx + answered5xx + dropped + hung + malformed`.
public struct SimulatorStats: Sendable, Codable, Equatable {
    /// API requests received.
    public var received: Int = 0
    /// Requests answered with a 2xx status (well-formed bodies only).
    public var answered2xx: Int = 0
    /// Requests answered 429 (rate limited or insufficient quota).
    public var answered429: Int = 0
    /// Requests answered with a 4xx status other than 429.
    public var answered4xx: Int = 0
    /// Requests answered with a 5xx status (injected faults).
    public var answered5xx: Int = 0
    /// Requests whose connection was closed without an answer.
    public var dropped: Int = 0
    /// Requests held without an answer by a hang fault.
    public var hung: Int = 0
    /// Requests answered 200 with a deliberately truncated JSON body.
    public var malformed: Int = 0
    /// The latencies given to delayed answers, summed, in whole milliseconds: divided by the
    /// answers, the server's mean latency under the load it had.
    public var latencyMillisecondsTotal: Int = 0
    /// Embeddings requests answered 200 (a subset of ``answered2xx``).
    public var embeddingRequests: Int = 0
    /// Inputs embedded by those requests: with packing, more than ``embeddingRequests``.
    public var embeddingInputs: Int = 0

    /// All counters zero.
    public init() {}

    /// Counts one answer with the given HTTP status into the matching counter.
    mutating func count(status: Int) {
        switch status {
        case 200..<300: answered2xx += 1
        case 429: answered429 += 1
        case 400..<500: answered4xx += 1
        default: answered5xx += 1
        }
    }
}
