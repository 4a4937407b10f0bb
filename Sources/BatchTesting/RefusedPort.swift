#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback port nothing listens on: a TCP socket is bound to 127.0.0.1 on a port the kernel
/// picks, then closed, so connecting to it is refused (until some other process binds it, which
/// a test's few seconds make unlikely).
public enum RefusedPort {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A port of 127.0.0.1 that refuses connections.
    public static func make() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
