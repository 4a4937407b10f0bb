#if canImport(Glibc)
    import Glibc
#endif

/// Sends sd_notify(3) messages to systemd over the `NOTIFY_SOCKET` datagram protocol, without
/// libsystemd: one `AF_UNIX` datagram per message, to a filesystem path or (a leading `@`) an
/// abstract socket.
///
/// Guarantees: with no `NOTIFY_SOCKET` (not started by systemd with `Type=notify`) every call is a
/// no-op; a send never blocks and never throws (systemd being gone must not stop the daemon): it
/// returns `false` instead.
public struct SystemdNotifier: Sendable {
    /// The socket address, `nil` when not running under a notify-aware supervisor.
    public let socketPath: String?
    /// How often systemd expects `WATCHDOG=1` (half of it is a safe interval), if it does.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` (the watchdog applies only when its
    /// pid is this process, or no pid is given).
    public init(environment: [String: String], pid: Int32 = getpid()) {
        let socket = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = socket
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
        if socket != nil, forUs, let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 {
            watchdogInterval = .microseconds(usec)
        } else {
            watchdogInterval = nil
        }
    }

    /// Whether messages go anywhere.
    public var isEnabled: Bool { socketPath != nil }

    /// Sends `fields` (e.g. `["READY=1", "STATUS=…"]`) as one message, newline-separated.
    @discardableResult
    public func notify(_ fields: [String]) -> Bool {
        guard let socketPath, !fields.isEmpty else { return false }
        return Self.send(Array(fields.joined(separator: "\n").utf8), to: socketPath)
    }

    private static func send(_ message: [UInt8], to path: String) -> Bool {
        #if os(Linux)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var pathBytes = Array(path.utf8)
            if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard pathBytes.count < capacity else { return false }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: pathBytes)
            }
            let length = socklen_t(
                MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes[0] == 0 ? 0 : 1))
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            let sent = message.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
                    }
                }
            }
            return sent == message.count
        #else
            return false
        #endif
    }
}
