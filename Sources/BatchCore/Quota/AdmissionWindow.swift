/// Counts the requests and tokens the server admitted (answered successfully) over the last few
/// seconds, in 100 ms slots, so a lane can measure the rate a server lets through.
///
/// Constant memory and O(1) per event however fast answers arrive: a ring of 50 slots (5 s).
public struct AdmissionWindow: Sendable {
    public static let slotMilliseconds: Int64 = 100
    public static let slots = 50
    private var requests = [Int](repeating: 0, count: slots)
    private var tokens = [Int](repeating: 0, count: slots)
    /// The slot number (time / 100 ms) of the most recent event.
    private var latest: Int64 = 0

    public init() {}

    /// Records one admitted request of `cost` tokens.
    public mutating func add(cost: Int, now: Timestamp) {
        advance(to: now)
        let index = Int(latest % Int64(Self.slots))
        requests[index] += 1
        tokens[index] += cost
    }

    /// Requests and tokens admitted per second from `since` to `now` (at most 5 s back; whole
    /// slots). Nil when the span is shorter than one slot.
    public func rate(since: Timestamp, now: Timestamp) -> (requests: Double, tokens: Double)? {
        let last = now.milliseconds / Self.slotMilliseconds
        let first = max(since.milliseconds / Self.slotMilliseconds, last - Int64(Self.slots) + 1)
        guard last > first, latest >= first else { return nil }
        var count = 0
        var cost = 0
        for slot in first...min(last, latest) {
            let index = Int(slot % Int64(Self.slots))
            count += requests[index]
            cost += tokens[index]
        }
        let seconds = Double(now.milliseconds - first * Self.slotMilliseconds) / 1000
        return (Double(count) / seconds, Double(cost) / seconds)
    }

    private mutating func advance(to now: Timestamp) {
        let slot = now.milliseconds / Self.slotMilliseconds
        guard slot > latest else { return }
        let stale = min(slot - latest, Int64(Self.slots))
        for step in 1...stale {
            let index = Int((latest + step) % Int64(Self.slots))
            requests[index] = 0
            tokens[index] = 0
        }
        latest = slot
    }
}
