import BatchConfig
import BatchCore
import BatchStore
import BatchThreads
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's drop-folder service: every ready `*.jsonl` in a watched folder becomes a job.
///
/// Sources of looks at a file, all feeding one ``ReadinessTracker``:
/// - a full scan at start (files dropped while the daemon was down) and every `pollInterval`
///   (the fallback for filesystems that deliver no inotify events, such as network mounts);
/// - inotify events, when the kernel delivers them, for a prompt reaction;
/// - a re-look at every pending file each `tick`, until its quiet period has passed.
///
/// ``scanned`` is signalled once the first scan is done (or the service ends), so READY=1 is not
/// sent before files present at start are known. Each full scan ends with a debug log line,
/// `drop folders scanned`, numbered (`scan`, from 1) with the inputs it saw and those still
/// pending or open for writing: a file the scan found ready was taken before that line.
public final class DropFolderWatcher: Service {
    private enum Signal: Sendable {
        case event(Inotify.Event)
        case tick
    }

    public let configuration: WatchConfiguration
    public let scanned: ReadinessSignal
    private let intake: DropIntake
    private let clock: any BatchClock
    private let logger: Logger
    private let probe: WriterProbe
    private let useInotify: Bool
    private let state: Mutex<State>

    private struct State {
        var tracker: ReadinessTracker
        var refused: Set<String> = []
        var lastScan: Timestamp?
        var scans = 0
        var queued = 0
    }

    public init(
        configuration: WatchConfiguration, store: Store, clock: any BatchClock = SystemClock(),
        logger: Logger,
        scanned: ReadinessSignal = ReadinessSignal(), useInotify: Bool = true
    ) {
        self.configuration = configuration
        self.scanned = scanned
        self.intake = DropIntake(store: store, clock: clock, logger: logger)
        self.clock = clock
        self.logger = logger
        self.probe = WriterProbe()
        self.useInotify = useInotify
        self.state = Mutex(State(tracker: ReadinessTracker(quietPeriod: configuration.quietPeriod)))
    }

    /// Jobs this service queued since it started.
    public var queuedCount: Int { state.withLock { $0.queued } }

    /// How often pending files are looked at again.
    public var tick: Duration {
        max(.milliseconds(50), min(.seconds(1), configuration.quietPeriod / 4, configuration.pollInterval))
    }

    public func run() async throws {
        defer { scanned.signal() }
        let (signals, continuation) = AsyncStream.makeStream(of: Signal.self)
        let inotify = startInotify { continuation.yield(.event($0)) }
        defer { inotify?.stop() }
        await scanAll()
        scanned.signal()
        let clock = self.clock
        let tick = self.tick
        // A graceful shutdown cancels the loop; that is the normal way out, not an error.
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await clock.sleep(for: tick)
                        continuation.yield(.tick)
                    }
                }
                for await signal in signals {
                    switch signal {
                    case .event(let event): await self.handle(event)
                    case .tick: await self.onTick()
                    }
                }
                group.cancelAll()
            }
        }
        continuation.finish()
    }

    private func startInotify(_ deliver: @escaping @Sendable (Inotify.Event) -> Void) -> Inotify? {
        guard useInotify else { return nil }
        let inotify: Inotify
        do {
            inotify = try Inotify(deliver: deliver)
        } catch {
            logger.warning("inotify unavailable, polling only", metadata: ["error": "\(error)"])
            return nil
        }
        for folder in configuration.folders {
            if inotify.watch(folder.path) {
                logger.info("watching drop folder", metadata: ["folder": "\(folder.path)"])
            } else {
                logger.warning(
                    "drop folder not watchable by inotify, polling it",
                    metadata: ["folder": "\(folder.path)", "error": "\(String(cString: strerror(errno)))"])
            }
        }
        return inotify
    }

    private func handle(_ event: Inotify.Event) async {
        if event.kind == .overflow {
            logger.notice("inotify queue overflowed, rescanning")
            await scanAll()
            return
        }
        guard let folder = configuration.folders.first(where: { $0.path == event.folder }),
            DropFileRules.isInput(name: event.name)
        else { return }
        let path = folder.path + "/" + event.name
        switch event.kind {
        case .removed:
            state.withLock { $0.tracker.forget(path) }
        case .renamedIn:
            let now = clock.now
            state.withLock { $0.tracker.renamedIn(path, now: now) }
            await look(at: path, in: folder)
        case .changed, .overflow:
            await look(at: path, in: folder)
        }
    }

    private func onTick() async {
        let now = clock.now
        let due = state.withLock { state -> Bool in
            guard let last = state.lastScan else { return true }
            return now >= last.advanced(by: configuration.pollInterval)
        }
        if due {
            await scanAll()
            return
        }
        let pending = state.withLock { $0.tracker.pending }
        for path in pending {
            let folderPath = (path as NSString).deletingLastPathComponent
            if let folder = configuration.folders.first(where: { $0.path == folderPath }) {
                await look(at: path, in: folder)
            }
        }
    }

    /// Looks at every file of every folder, and forgets files that went away.
    private func scanAll() async {
        let now = clock.now
        var present: Set<String> = []
        for folder in configuration.folders {
            let names: [String]
            do {
                // Off the task threads: a listing of a network mount can take seconds.
                let path = folder.path
                names = try await BlockingWork.run {
                    try FileManager.default.contentsOfDirectory(atPath: path)
                }
            } catch {
                logger.error(
                    "cannot list drop folder", metadata: ["folder": "\(folder.path)", "error": "\(error)"])
                continue
            }
            for name in names.sorted() where DropFileRules.isInput(name: name) {
                let path = folder.path + "/" + name
                present.insert(path)
                await look(at: path, in: folder)
            }
        }
        let (scan, pending, writing) = state.withLock { state in
            state.lastScan = now
            state.tracker.forgetAll(except: present)
            state.scans += 1
            return (state.scans, state.tracker.pending.count, state.tracker.writing.count)
        }
        logger.debug(
            "drop folders scanned",
            metadata: [
                "scan": "\(scan)", "inputs": "\(present.count)", "pending": "\(pending)",
                "writing": "\(writing)",
            ])
    }

    /// Observes one file and takes it if the tracker says it is ready.
    private func look(at path: String, in folder: WatchedFolder) async {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            state.withLock { $0.tracker.forget(path) }
            return
        }
        var resolved = path
        if info.st_mode & S_IFMT == S_IFLNK {
            let target = Paths.canonical(path)
            resolved = target
            guard target.hasPrefix(folder.path + "/") else {
                refuseOnce(path, target: target, folder: folder)
                return
            }
            guard stat(path, &info) == 0 else { return }
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return }
        let observation = ReadinessTracker.Observation(
            size: Int64(info.st_size),
            mtimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            openForWriting: probe.isOpenForWriting(resolved))
        let now = clock.now
        let decision = state.withLock { $0.tracker.observe(path, observation, now: now) }
        guard decision == .ready else { return }
        switch await intake.take(path, in: folder) {
        case .submitted: state.withLock { $0.queued += 1 }
        case .failed: state.withLock { $0.tracker.forget(path) }
        case .alreadyTaken, .refused: break
        }
    }

    private func refuseOnce(_ path: String, target: String, folder: WatchedFolder) {
        let first = state.withLock { $0.refused.insert(path).inserted }
        guard first else { return }
        logger.warning(
            "drop file refused: symlink target outside the drop folder",
            metadata: ["file": "\(path)", "target": "\(target)", "folder": "\(folder.path)"])
    }
}
