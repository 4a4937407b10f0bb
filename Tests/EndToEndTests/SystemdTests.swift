import BatchCore
import BatchTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The systemd unit and the daemon's side of the notify protocol.
@Suite("systemd", .serialized)
struct SystemdTests {
    /// `systemd/` in the repository.
    static let unitFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("systemd").path

    static let analyze: String? = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// A copy of the unit whose ExecStart is the batchd just built, so `verify` finds the binary.
    private func unitCopy(_ folder: TestFolder) throws -> String {
        let text = try String(contentsOfFile: Self.unitFolder + "/batchd.service", encoding: .utf8)
        #expect(text.contains("ExecStart=/usr/local/bin/batchd "))
        let path = folder.path + "/batchd.service"
        try text.replacingOccurrences(
            of: "ExecStart=/usr/local/bin/batchd ", with: "ExecStart=\(Binaries.batchd) "
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the unit file reader: sections, comments, continuations, repeated and cleared keys")
    func unitFileReader() throws {
        let unit = try SystemdUnitFile(
            parsing: """
                # comment
                [Unit]
                Description = a unit
                [Service]
                ; another comment
                ExecStart=/bin/tool --flag \\
                    value
                SystemCallFilter=@a
                SystemCallFilter=
                SystemCallFilter=@b
                SystemCallFilter=~@c
                Type=simple
                Type=notify
                """)
        #expect(unit.sections == ["Unit", "Service"])
        #expect(unit.value("Unit", "Description") == "a unit")
        #expect(unit.value("Service", "ExecStart") == "/bin/tool --flag  value")
        #expect(unit.words("Service", "ExecStart") == ["/bin/tool", "--flag", "value"])
        #expect(unit.values("Service", "SystemCallFilter") == ["@b", "~@c"])
        #expect(unit.value("Service", "Type") == "notify")
        #expect(unit.value("Unit", "Type") == nil)
        #expect(throws: SystemdUnitFile.ParseError.self) {
            try SystemdUnitFile(parsing: "[Unit]\nnot a line")
        }
        #expect(throws: SystemdUnitFile.ParseError.self) { try SystemdUnitFile(parsing: "Type=notify") }
    }

    @Test("the unit declares what the issue asks for")
    func unitContents() throws {
        let unit = try SystemdUnitFile(contentsOfFile: Self.unitFolder + "/batchd.service")
        #expect(unit.sections == ["Unit", "Service", "Install"])
        #expect(unit.words("Unit", "After").contains("network-online.target"))
        #expect(unit.words("Unit", "Wants").contains("network-online.target"))

        // Readiness and the watchdog: batchd speaks the notify protocol itself.
        #expect(unit.value("Service", "Type") == "notify")
        #expect(unit.value("Service", "NotifyAccess") == "main")
        let watchdog = try #require(unit.value("Service", "WatchdogSec").flatMap { Int($0) })
        #expect(watchdog > 0)

        // What runs, as whom, with which files.
        let exec = unit.words("Service", "ExecStart")
        #expect(exec.first == "/usr/local/bin/batchd")
        let drainIndex = try #require(exec.firstIndex(of: "--drain-timeout"), "\(exec)")
        let drain = try #require(exec.dropFirst(drainIndex + 1).first.flatMap { Int($0) }, "\(exec)")
        let stop = try #require(unit.value("Service", "TimeoutStopSec").flatMap { Int($0) })
        #expect(stop > drain, "TimeoutStopSec must exceed the drain timeout")
        #expect(unit.value("Service", "KillSignal") == "SIGTERM")
        #expect(unit.value("Service", "Restart") == "on-failure")
        #expect(unit.value("Service", "User") == "batchd")
        #expect(unit.value("Service", "Group") == "batchd")
        #expect(unit.values("Service", "EnvironmentFile") == ["-/etc/batchd/env"], "optional, for the keys")
        let stateDirectory = try #require(unit.value("Service", "StateDirectory"))
        #expect(stateDirectory == "batchd")
        let environment = Dictionary(
            unit.words("Service", "Environment").map { word -> (String, String) in
                let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { $1 })
        #expect(environment["BATCHD_DATABASE"] == "/var/lib/\(stateDirectory)/batchd.sqlite")
        #expect(environment["BATCHD_CONFIG"] == "/etc/batchd/config.json")

        // The sandbox: only the drop folders are writable; one capability, for the writer check.
        #expect(unit.value("Service", "ProtectSystem") == "strict")
        #expect(unit.values("Service", "ReadWritePaths") == ["/srv/batchd"])
        #expect(unit.words("Service", "CapabilityBoundingSet") == ["CAP_LEASE"])
        #expect(unit.words("Service", "AmbientCapabilities") == ["CAP_LEASE"])
        for key in ["NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "RestrictNamespaces"] {
            #expect(unit.value("Service", key) == "yes", "\(key)")
        }
        #expect(Set(unit.words("Service", "RestrictAddressFamilies")) == ["AF_UNIX", "AF_INET", "AF_INET6"])
        #expect(unit.values("Service", "SystemCallFilter") == ["@system-service", "~@privileged"])

        #expect(unit.words("Install", "WantedBy") == ["multi-user.target"])
        // Service settings in another section are ignored by systemd.
        #expect(unit.keys("Unit").isDisjoint(with: unit.keys("Service")))
        #expect(unit.keys("Install") == ["WantedBy"])

        let config = try Data(contentsOf: URL(fileURLWithPath: Self.unitFolder + "/config.example.json"))
        #expect(try JSONSerialization.jsonObject(with: config) is [String: Any])
    }

    @Test(
        "systemd-analyze verify passes and the security exposure is at most 2.5",
        .enabled(if: analyze != nil, "systemd-analyze is not installed (.ci/run installs it)"))
    func analyzeUnit() async throws {
        let folder = try TestFolder()
        let unit = try unitCopy(folder)
        let verify = try await ChildProcess.run(
            Self.analyze!, ["verify", "--man=no", unit], environment: [:], folder: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(!verify.stderr.contains("batchd.service:"), "\(verify.stderr)")
        let security = try await ChildProcess.run(
            Self.analyze!, ["security", "--offline=yes", "--no-pager", unit], environment: [:],
            folder: folder.path)
        let match = try #require(
            (security.stdout + security.stderr).firstMatch(
                of: /Overall exposure level for batchd.service: (\d+\.\d)/),
            "\(security.stdout)\(security.stderr)")
        let exposure = try #require(Double(match.1))
        #expect(exposure <= 2.5, "exposure \(exposure)")
    }

    @Test("under a fake NOTIFY_SOCKET the daemon sends READY=1, STATUS, WATCHDOG=1 and STOPPING=1; json logs")
    func notifyProtocol() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let socket = try NotifyListener(path: folder.path + "/notify.sock")
        let inbox = folder.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let ids = (0..<4).map { "n-\($0)" }
        try (ids.map { JobFiles.chat($0) + "\n" }.joined()).write(
            toFile: inbox + "/present.jsonl", atomically: true, encoding: .utf8)
        var environment = sim.openAIEnvironment(key: "sk-never-logged")
        environment["NOTIFY_SOCKET"] = socket.path
        environment["WATCHDOG_USEC"] = "600000"
        environment["BATCHD_STATUS_SECONDS"] = "0.2"
        let daemon = try ChildProcess(
            Binaries.batchd,
            [
                "--database", folder.database, "--poll-interval", "0.1", "--quiet-period", "0.2", "--watch",
                inbox,
                "--log-format", "json", "--log-level", "debug",
            ],
            environment: environment, folder: folder.path)
        defer { stopIfRunning(daemon) }

        let ready = try #require(await socket.next(), "no message: \(daemon.stderr)")
        #expect(ready.hasPrefix("READY=1\nSTATUS="))
        var periodic: [String] = []
        while periodic.count < 3, let message = await socket.next() { periodic.append(message) }
        #expect(periodic.count == 3)
        #expect(
            periodic.allSatisfy { $0.hasPrefix("STATUS=") && $0.hasSuffix("\nWATCHDOG=1") }, "\(periodic)")
        try await waitUntil("the dropped file to complete") { try folder.job(1)?.state == .completed }
        daemon.signal(SIGTERM)
        var last: [String] = []
        while let message = await socket.next() {
            last.append(message)
            if message.hasPrefix("STOPPING=1") { break }
        }
        #expect(last.last?.hasPrefix("STOPPING=1") == true, "\(last)")
        #expect(await daemon.wait() == 0)
        #expect(!daemon.stderr.contains("stopped on an error"), "\(daemon.stderr)")

        let lines = daemon.stderr.split(separator: "\n").map(String.init)
        let objects = lines.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        #expect(objects.count == lines.count && !lines.isEmpty, "every log line is one JSON object")
        #expect(objects.allSatisfy { $0["level"] != nil && $0["message"] != nil })
        #expect(objects.contains { $0["message"] == "drop file queued" && $0["job"] == "1" })
        #expect(!daemon.stderr.contains("sk-never-logged"), "never a secret in the logs")
    }
}

/// A datagram socket standing in for systemd's notify socket.
final class NotifyListener: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(fd >= 0 && bound == 0, "cannot bind \(path)")
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The next datagram, or `nil` after 20 s without one (waits on a thread of its own:
    /// ``blockingWait(_:)``).
    func next() async -> String? {
        await blockingWait {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(self.fd, &buffer, buffer.count, 0)
            return count < 0 ? nil : String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }
}
