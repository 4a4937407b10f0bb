import BatchCore
import BatchDaemon
import BatchEngine
import BatchTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A datagram socket bound in a temporary folder, standing in for systemd's notify socket.
final class FakeNotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(folder: TemporaryDirectory) throws {
        path = folder.path("notify.sock")
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
        try #require(fd >= 0 && bound == 0)
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The next message, waiting up to 30 s on a thread of its own (``blockingWait(_:)``).
    func next() async -> String? {
        await blockingWait {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(self.fd, &buffer, buffer.count, 0)
            return count < 0 ? nil : String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }
}

@Suite("systemd notify protocol")
struct NotifyTests {
    @Test("without NOTIFY_SOCKET nothing is sent and the watchdog is off")
    func disabled() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"])
        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogInterval == nil)
        #expect(!notifier.notify(["READY=1"]))
    }

    @Test("WATCHDOG_USEC applies only to the process WATCHDOG_PID names")
    func watchdogPid() {
        let base = ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "2000000"]
        #expect(SystemdNotifier(environment: base, pid: 7).watchdogInterval == .seconds(2))
        var other = base
        other["WATCHDOG_PID"] = "8"
        #expect(SystemdNotifier(environment: other, pid: 7).watchdogInterval == nil)
        other["WATCHDOG_PID"] = "7"
        #expect(SystemdNotifier(environment: other, pid: 7).watchdogInterval == .seconds(2))
    }

    @Test("a message is one datagram, fields separated by newlines")
    func datagram() async throws {
        let folder = try TemporaryDirectory()
        let socket = try FakeNotifySocket(folder: folder)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path])
        #expect(notifier.notify(["READY=1", "STATUS=ok"]))
        #expect(await socket.next() == "READY=1\nSTATUS=ok")
    }

    @Test(
        "the service says READY=1 only once ready, then STATUS and WATCHDOG each tick, STOPPING=1 on shutdown"
    )
    func service() async throws {
        let folder = try TemporaryDirectory()
        let socket = try FakeNotifySocket(folder: folder)
        let notifier = SystemdNotifier(
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "4000000"])
        let clock = ManualClock()
        let ready = ReadinessSignal()
        let service = SystemdNotifyService(
            notifier: notifier, ready: ready, statusInterval: .seconds(10), clock: clock
        ) { "3 jobs running" }
        #expect(service.tick == .seconds(2))
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            ready.signal()
            #expect(await socket.next() == "READY=1\nSTATUS=3 jobs running")
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: .seconds(2))
            #expect(await socket.next() == "STATUS=3 jobs running\nWATCHDOG=1")
            await group.triggerGracefulShutdown()
            #expect(await socket.next()?.hasPrefix("STOPPING=1") == true)
            try await tasks.waitForAll()
        }
    }

    @Test("a shutdown before ready sends STOPPING=1, never READY=1")
    func shutdownBeforeReady() async throws {
        let folder = try TemporaryDirectory()
        let socket = try FakeNotifySocket(folder: folder)
        let service = SystemdNotifyService(
            notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path]), ready: ReadinessSignal(),
            clock: ManualClock()
        ) { "" }
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            #expect(await socket.next() == "STOPPING=1\nSTATUS=stopping")
            try await tasks.waitForAll()
        }
    }
}
