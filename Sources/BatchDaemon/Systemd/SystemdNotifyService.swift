import BatchCore
import ServiceLifecycle

/// Keeps systemd informed over ``SystemdNotifier``: `READY=1` once ``ready`` is signalled (the
/// daemon has opened its database and scanned its drop folders), then `STATUS=` with live counts
/// and `WATCHDOG=1` at half the `WatchdogSec` interval, and `STOPPING=1` as soon as a graceful
/// shutdown begins.
///
/// Put it last in the service group: graceful shutdown runs in reverse order, so systemd hears
/// `STOPPING=1` before the job queue starts draining.
public final class SystemdNotifyService: Service {
    public let notifier: SystemdNotifier
    public let ready: ReadinessSignal
    public let statusInterval: Duration
    private let clock: any BatchClock
    private let status: @Sendable () async -> String

    public init(
        notifier: SystemdNotifier, ready: ReadinessSignal, statusInterval: Duration = .seconds(10),
        clock: any BatchClock = SystemClock(), status: @escaping @Sendable () async -> String
    ) {
        self.notifier = notifier
        self.ready = ready
        self.statusInterval = statusInterval
        self.clock = clock
        self.status = status
    }

    /// Time between two messages: the status interval, or half the watchdog interval if shorter.
    public var tick: Duration {
        guard let watchdog = notifier.watchdogInterval else { return statusInterval }
        return min(statusInterval, watchdog / 2)
    }

    public func run() async throws {
        let ready = self.ready
        await withGracefulShutdownHandler {
            await ready.wait()
        } onGracefulShutdown: {
            ready.signal()
        }
        if Task.isShuttingDownGracefully {
            notifier.notify(["STOPPING=1", "STATUS=stopping"])
            return
        }
        notifier.notify(["READY=1", "STATUS=" + (await status())])
        let clock = self.clock
        let tick = self.tick
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: tick) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            var fields = ["STATUS=" + (await status())]
            if notifier.watchdogInterval != nil { fields.append("WATCHDOG=1") }
            notifier.notify(fields)
        }
        notifier.notify(["STOPPING=1", "STATUS=stopping: draining requests in flight"])
    }
}
