/// Identifies a lane: the requests that share one endpoint and one model or deployment, and so
/// share its concurrency cap, its pauses after 429s and (later) its quota.
public struct LaneKey: Hashable, Sendable, CustomStringConvertible {
    public var endpoint: String
    public var model: String

    public init(endpoint: String, model: String) {
        self.endpoint = endpoint
        self.model = model
    }

    public var description: String { "\(endpoint)/\(model)" }
}
