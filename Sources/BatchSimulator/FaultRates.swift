/// The probabilities (each `0...1`) with which the simulator injects faults into API requests.
///
/// One uniform draw per request is partitioned, in this order: 500, 503, drop, hang, malformed,
/// random 429, capacity 429.
/// So the rates are mutually exclusive outcomes and their sum should not exceed 1 (anything
/// beyond 1 is never reached). A request can also force a fault with the header
/// `x-sim-fault: 500|503|drop|hang|malformed|429|capacity-429|none`, which bypasses the draw (any other value is a 400).
///
/// Faults are decided after auth, routing and body validation, before rate limiting, so a faulted
/// request is never charged. Latency applies to 500, 503, drop and malformed like to a normal answer.
public struct FaultRates: Sendable, Equatable {
    /// Probability of a 500 answer with an OpenAI-style error body.
    public var serverError500: Double
    /// Probability of a 503 answer with an error body and `retry-after-ms: 50`.
    public var serverError503: Double
    /// Probability of closing the TCP connection without answering.
    public var dropConnection: Double
    /// Probability of holding the request for ``SimulatorConfiguration/hangDuration``, then closing.
    public var hang: Double
    /// Probability of a 200 answer whose JSON body is truncated (invalid).
    public var malformedJSON: Double
    /// Probability of a 429 worded like the style's rate-limit 429 but drawn at random, whatever
    /// the limits (as mocks and proxies do): `retry-after: 1`, no `x-ratelimit-*` headers.
    public var random429: Double
    /// Probability of a capacity 429, worded as Azure and OpenAI word them ("The system is currently
    /// experiencing high demand …", "The engine is currently overloaded …"): `retry-after: 1`, no
    /// `x-ratelimit-*` headers.
    public var capacity429: Double

    /// No faults at all.
    public static let none = FaultRates()

    /// Creates fault rates; every rate defaults to 0.
    public init(
        serverError500: Double = 0,
        serverError503: Double = 0,
        dropConnection: Double = 0,
        hang: Double = 0,
        malformedJSON: Double = 0,
        random429: Double = 0,
        capacity429: Double = 0
    ) {
        self.serverError500 = serverError500
        self.serverError503 = serverError503
        self.dropConnection = dropConnection
        self.hang = hang
        self.malformedJSON = malformedJSON
        self.random429 = random429
        self.capacity429 = capacity429
    }

    /// Whether any rate is positive.
    var isEnabled: Bool {
        serverError500 > 0 || serverError503 > 0 || dropConnection > 0 || hang > 0 || malformedJSON > 0
            || random429 > 0 || capacity429 > 0
    }

    /// Picks the fault for a uniform draw `u` in `0..<1`, partitioning `0..<1` in declaration order.
    func fault(forDraw u: Double) -> Fault? {
        var edge = serverError500
        if u < edge { return .serverError500 }
        edge += serverError503
        if u < edge { return .serverError503 }
        edge += dropConnection
        if u < edge { return .drop }
        edge += hang
        if u < edge { return .hang }
        edge += malformedJSON
        if u < edge { return .malformed }
        edge += random429
        if u < edge { return .random429 }
        edge += capacity429
        if u < edge { return .capacity429 }
        return nil
    }
}

/// One injected fault, as drawn from ``FaultRates`` or forced with the `x-sim-fault` header.
enum Fault: Sendable, Equatable {
    case serverError500
    case serverError503
    case drop
    case hang
    case malformed
    case random429
    case capacity429

    /// Parses an `x-sim-fault` header value. Returns `.some(nil)` for `none`, `nil` for unknown values.
    static func forced(_ value: String) -> Fault?? {
        switch value.lowercased() {
        case "500": return .some(.serverError500)
        case "503": return .some(.serverError503)
        case "drop": return .some(.drop)
        case "hang": return .some(.hang)
        case "malformed": return .some(.malformed)
        case "429": return .some(.random429)
        case "capacity-429": return .some(.capacity429)
        case "none": return .some(nil)
        default: return nil
        }
    }
}
