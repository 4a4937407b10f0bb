import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Recognises the connection failures that mean the endpoint cannot be reached at all, and says
/// so in plain words with the host and port.
///
/// Guarantees: ``unreachable(_:url:)`` gives a message exactly when the error is a refused
/// connection (`ECONNREFUSED`), a host or network without a route (`EHOSTUNREACH`,
/// `ENETUNREACH`), or a host name that did not resolve; for a connection attempted to several
/// addresses, only when every address failed so. Other errors give nil.
enum ConnectionFailure {
    /// `connection refused by 127.0.0.1:9: nothing is listening there`, or nil.
    static func unreachable(_ error: any Error, url: String) -> String? {
        if let error = error as? IOError {
            return message(errno: error.errnoCode, target: hostAndPort(url))
        }
        guard let error = error as? NIOConnectionError else { return nil }
        let target = "\(error.host):\(error.port)"
        if error.connectionErrors.isEmpty, let dns = error.dnsAError ?? error.dnsAAAAError {
            let detail = (dns as? SocketAddressError.UnknownHost)?.errorDescription ?? "\(dns)"
            return
                "the host name \(error.host) cannot be resolved (\(detail)): no request can reach \(target)"
        }
        let messages = error.connectionErrors.map { failure in
            (failure.error as? IOError).flatMap { message(errno: $0.errnoCode, target: target) }
        }
        guard let first = messages.first, messages.allSatisfy({ $0 != nil }) else { return nil }
        return first
    }

    private static func message(errno code: Int32, target: String) -> String? {
        switch code {
        case ECONNREFUSED: "connection refused by \(target): nothing is listening there"
        case EHOSTUNREACH: "no route to \(target): the host is unreachable"
        case ENETUNREACH: "no route to \(target): the network is unreachable"
        default: nil
        }
    }

    /// `host:port` of an `http(s)://` URL, the port defaulted from the scheme.
    static func hostAndPort(_ url: String) -> String {
        let scheme = url.prefix { $0 != ":" }.lowercased()
        var rest = Substring(url)
        if let range = url.range(of: "://") { rest = url[range.upperBound...] }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPart = authority.split(separator: "@").last.map(Substring.init) ?? authority
        let hasPort: Bool
        if hostPart.hasPrefix("[") {
            hasPort = hostPart.contains("]:")
        } else {
            hasPort = hostPart.contains(":")
        }
        return hasPort ? String(hostPart) : "\(hostPart):\(scheme == "https" ? 443 : 80)"
    }
}
