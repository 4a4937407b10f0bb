/// Weighted fair sharing of one lane between the jobs that use it (stride scheduling, a smooth
/// form of weighted round-robin).
///
/// Each job (tenant) has a weight and a *pass*. When a job starts a request its pass grows by
/// `1 / weight`; among the jobs waiting to send, only one with the smallest pass may start the next
/// request. A job that comes back after being idle starts at the current pass, so it gets its share
/// from now on and no burst for the time it was away. A job that leaves (finished, paused,
/// cancelled, drained) frees its share at once.
///
/// Worked example: an overnight job A (priority 0, weight 1) and an urgent job U (priority 3,
/// weight 4) share a lane that can start 5 requests a second. Passes start at 0:
///
/// | request | A's pass | U's pass | who starts it      |
/// |---------|----------|----------|--------------------|
/// | 1       | 0        | 0        | A (tie: first come) |
/// | 2       | 1        | 0        | U                  |
/// | 3       | 1        | 0.25     | U                  |
/// | 4       | 1        | 0.5      | U                  |
/// | 5       | 1        | 0.75     | U                  |
/// | 6       | 1        | 1        | A or U             |
///
/// so U gets four requests for each of A's while both have work, and all of them once A is done.
public struct FairShare: Sendable {
    struct Tenant: Sendable {
        var weight: Double
        var pass: Double
        var waiting: Bool
    }

    private var tenants: [Int64: Tenant] = [:]
    /// The pass of the request started last: where a returning tenant starts.
    private var virtualTime = 0.0

    public init() {}

    /// A job's weight from its priority: priority p gets p + 1 shares; 0 and below get one.
    public static func weight(priority: Int) -> Int { max(1, min(priority, 999) + 1) }

    /// The jobs on this lane.
    public var tenantCount: Int { tenants.count }

    /// Adds a job, or changes its weight.
    public mutating func join(_ tenant: Int64, weight: Int) {
        let weight = Double(max(1, weight))
        if tenants[tenant] == nil {
            tenants[tenant] = Tenant(weight: weight, pass: virtualTime, waiting: false)
        } else {
            tenants[tenant]!.weight = weight
        }
    }

    /// Removes a job; its share goes to the others at once.
    public mutating func leave(_ tenant: Int64) {
        tenants[tenant] = nil
    }

    /// Says whether a job has a request ready for this lane.
    public mutating func setWaiting(_ tenant: Int64, _ waiting: Bool) {
        guard var entry = tenants[tenant], entry.waiting != waiting else { return }
        if waiting { entry.pass = max(entry.pass, virtualTime) }
        entry.waiting = waiting
        tenants[tenant] = entry
    }

    /// Whether `tenant` is waiting for a turn.
    public func isWaiting(_ tenant: Int64) -> Bool { tenants[tenant]?.waiting ?? false }

    /// Whether it is `tenant`'s turn: no other waiting job has a smaller pass.
    public func mayStart(_ tenant: Int64) -> Bool {
        guard tenants.count > 1, let mine = tenants[tenant]?.pass else { return true }
        for (id, other) in tenants where id != tenant && other.waiting && other.pass < mine {
            return false
        }
        return true
    }

    /// `tenant` started a request.
    public mutating func started(_ tenant: Int64) {
        guard var entry = tenants[tenant] else { return }
        entry.pass = max(entry.pass, virtualTime) + 1 / entry.weight
        virtualTime = max(virtualTime, entry.pass - 1 / entry.weight)
        tenants[tenant] = entry
    }

    /// The jobs waiting for a turn, other than `tenant`.
    public func waiting(except tenant: Int64) -> [Int64] {
        tenants.compactMap { $0.key != tenant && $0.value.waiting ? $0.key : nil }
    }
}
