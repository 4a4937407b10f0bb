/// Where `/metrics` is served: `--metrics-address HOST:PORT`, or `PORT` alone for the loopback
/// address (127.0.0.1). A host other than loopback exposes the metrics to the network: the
/// operator asks for it by name (`0.0.0.0:9464`), never by default.
public struct MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// The loopback address every default uses.
    public static let loopback = "127.0.0.1"

    public init(host: String = Self.loopback, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `PORT`; `nil` when it is none of them or the port is
    /// outside 0–65535 (0 picks a free port).
    public init?(parsing text: String) {
        var host = Self.loopback
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":")
            else {
                return nil
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { return nil }
        self.init(host: host, port: port)
    }

    /// Whether only this machine can reach it.
    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
