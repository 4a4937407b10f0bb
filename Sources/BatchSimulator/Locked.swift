import Foundation

/// A value guarded by a lock: the only shared mutable state in the simulator goes through this.
///
/// Guarantees that `withLock` bodies run one at a time; keep them short and never do I/O inside.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
