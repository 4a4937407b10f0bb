import BatchCommandLine
import BatchConfig
import BatchDaemon
import BatchEngine
import BatchStore
import Logging
import ServiceLifecycle

extension Batchd {
    /// The daemon's services in start order: the job queue, its progress log (a line per job every
    /// 30 s), the drop-folder watcher (when folders
    /// are configured) and the systemd notifier (when `NOTIFY_SOCKET` is set). Graceful shutdown
    /// runs in reverse order: systemd hears STOPPING=1 first, the queue drains last.
    func daemonServices(
        queue: JobQueueService, settings: Settings, store: Store, logger: Logger,
        environment: [String: String]
    ) -> [any Service] {
        let progress = ProgressLogService(logger: logger) { queue.runningJobs }
        var services: [any Service] = [queue, progress]
        let ready = ReadinessSignal()
        let watch = WatchConfiguration(
            file: settings.file, extraFolders: self.watch, quietSeconds: quietPeriod)
        var watcher: DropFolderWatcher?
        if watch.folders.isEmpty {
            ready.signal()
        } else {
            // BATCHD_WATCH_INOTIFY=0 watches by polling alone (as on a filesystem without events).
            let created = DropFolderWatcher(
                configuration: watch, store: store, logger: logger, scanned: ready,
                useInotify: environment["BATCHD_WATCH_INOTIFY"] != "0")
            services.append(created)
            watcher = created
        }
        let notifier = SystemdNotifier(environment: environment)
        if notifier.isEnabled {
            let statusInterval = Double(environment["BATCHD_STATUS_SECONDS"] ?? "") ?? 10
            services.append(
                SystemdNotifyService(
                    notifier: notifier, ready: ready,
                    statusInterval: .milliseconds(Int64(statusInterval * 1000))
                ) { [watcher, progress] in
                    let running = queue.runningJobs.count
                    let queued = (try? await store.runnableCount()) ?? 0
                    let dropped = watcher?.queuedCount ?? 0
                    let jobs = progress.latest.map(\.text).joined(separator: "; ")
                    return
                        "\(running) jobs running, \(max(0, queued - running)) waiting, \(dropped) files taken from drop folders"
                        + (jobs.isEmpty ? "" : "; " + jobs)
                })
        }
        return services
    }
}
