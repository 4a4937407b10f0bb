import BatchCore
import BatchSimulator
import Foundation
import Testing

@testable import BatchStore

/// `batchd --watch`: files dropped into a folder become jobs with no CLI call.
@Suite("drop folders", .serialized)
struct DropFolderTests {
    private func lines(_ name: String, count: Int) -> (text: String, ids: [String]) {
        let ids = (0..<count).map { "\(name)-\($0)" }
        return (ids.map { JobFiles.chat($0) + "\n" }.joined(), ids)
    }

    /// Quiet period and rescan interval of the daemons these tests start (the rescan interval
    /// must be at least the quiet period for ``waitForSettledScans(_:after:)``).
    static let quietSeconds = 0.3

    private func startDaemon(
        _ folder: TestFolder, _ extra: [String], environment: [String: String]
    ) throws -> ChildProcess {
        let config = folder.path + "/watch-config.json"
        try #"{"endpoints": {}, "watch": {"poll_seconds": \#(Self.quietSeconds), "folders": []}}"#.write(
            toFile: config, atomically: true, encoding: .utf8)
        return try ChildProcess(
            Binaries.batchd,
            [
                "--database", folder.database, "--config", config, "--poll-interval", "0.1", "--quiet-period",
                "\(Self.quietSeconds)", "--log-level", "debug",
            ] + extra,
            environment: environment, folder: folder.path)
    }

    private func jobs(_ folder: TestFolder) throws -> [JobRecord] {
        guard FileManager.default.fileExists(atPath: folder.database) else { return [] }
        return try Store(path: folder.database).read { try $0.jobs(limit: 100) }.sorted { $0.id < $1.id }
    }

    private func job(_ folder: TestFolder, input name: String) throws -> JobRecord? {
        try jobs(folder).first { ($0.inputPath as NSString).lastPathComponent == name }
    }

    @Test("renamed-in and slowly written files each become one job; partial and output files never do")
    func dropAndRestart() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let inbox = folder.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let daemon = try startDaemon(folder, ["--watch", inbox], environment: sim.openAIEnvironment())
        defer { stopIfRunning(daemon) }
        // The first scan comes after the inotify watch is set up: from now on a rename is an event.
        try await waitUntil("the daemon's first scan") { !DropScans(daemon).all.isEmpty }

        // Written under a temporary name, renamed in when complete.
        let renamed = lines("renamed", count: 30)
        try renamed.text.write(toFile: inbox + "/.renamed.jsonl.tmp", atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(
            atPath: inbox + "/.renamed.jsonl.tmp", toPath: inbox + "/renamed.jsonl")
        // Written in place by a writer that pauses mid-file for three quiet periods, file open.
        let slow = lines("slow", count: 20)
        _ = FileManager.default.createFile(atPath: inbox + "/slow.jsonl", contents: nil)
        let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: inbox + "/slow.jsonl"))
        let half = slow.text.utf8.count / 2 + 7  // in the middle of a line
        try writer.write(contentsOf: Data(slow.text.utf8.prefix(half)))
        // Never inputs: partial names and a dotfile.
        for name in ["big.jsonl.part", "big.tmp", ".hidden.jsonl", "notes.txt"] {
            try renamed.text.write(toFile: inbox + "/" + name, atomically: false, encoding: .utf8)
        }

        let scansBeforeThePause = DropScans(daemon).all.count

        try await waitUntil("the renamed file's job to complete") {
            try job(folder, input: "renamed.jsonl")?.state == .completed
        }
        // Unchanged for longer than the quiet period, seen open by the scans all along.
        let settled = try await waitForSettledScans(daemon, after: scansBeforeThePause)
        #expect(settled.writing == 1, "the scan saw the writer: \(daemon.stderr)")
        #expect(try job(folder, input: "slow.jsonl") == nil, "a file open for writing is never taken")
        try writer.write(contentsOf: Data(slow.text.utf8.dropFirst(half)))
        try writer.close()
        try await waitUntil("the slow file's job to complete") {
            try job(folder, input: "slow.jsonl")?.state == .completed
        }
        // Every output is written: let the scans see them for longer than the quiet period.
        try await waitForSettledScans(daemon, after: DropScans(daemon).all.count)
        daemon.signal(SIGTERM)
        #expect(await daemon.wait() == 0, "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("stopped on an error"), "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("drop file not queued"), "no output is ever tried: \(daemon.stderr)")

        let taken = try jobs(folder).map { ($0.inputPath as NSString).lastPathComponent }
        #expect(taken == ["renamed.jsonl", "slow.jsonl"], "outputs, partial files and dotfiles are not jobs")
        for (name, ids) in [("renamed", renamed.ids), ("slow", slow.ids)] {
            let outputs = try JobOutputs(input: inbox + "/\(name).jsonl")
            #expect(Set(outputs.results.keys) == Set(ids), "\(name): every line, once")
            #expect(outputs.duplicates.isEmpty && outputs.unparsable.isEmpty && outputs.errors.isEmpty)
        }
        #expect(try job(folder, input: "slow.jsonl")?.counts.requests == slow.ids.count)
        #expect(sim.simulator.stats.received == renamed.ids.count + slow.ids.count)

        // A restart rescans the folder and takes nothing twice; a file dropped while down is found.
        let late = lines("late", count: 5)
        try late.text.write(toFile: inbox + "/late.jsonl", atomically: true, encoding: .utf8)
        let restarted = try startDaemon(folder, ["--watch", inbox], environment: sim.openAIEnvironment())
        defer { stopIfRunning(restarted) }
        try await waitUntil("the file dropped while down to complete") {
            try job(folder, input: "late.jsonl")?.state == .completed
        }
        // The files taken before the restart were seen by every scan since, for longer than the
        // quiet period: had the database not remembered them, they would have been taken again.
        try await waitForSettledScans(restarted, after: DropScans(restarted).all.count)
        restarted.signal(SIGTERM)
        #expect(await restarted.wait() == 0)
        #expect(try jobs(folder).count == 3, "each input taken exactly once, across restarts")
        #expect(sim.simulator.stats.received == renamed.ids.count + slow.ids.count + late.ids.count)
    }

    @Test("without inotify events, polling alone finds dropped files, each taken once")
    func pollingFallback() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let inbox = folder.path + "/mount"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        var environment = sim.openAIEnvironment()
        environment["BATCHD_WATCH_INOTIFY"] = "0"
        let daemon = try startDaemon(folder, ["--watch", inbox], environment: environment)
        defer { stopIfRunning(daemon) }
        try await waitUntil("the daemon's first scan") { !DropScans(daemon).all.isEmpty }
        let first = lines("first", count: 4)
        try first.text.write(toFile: inbox + "/first.jsonl", atomically: true, encoding: .utf8)
        let second = lines("second", count: 4)
        try second.text.write(toFile: inbox + "/second.jsonl", atomically: false, encoding: .utf8)
        try await waitUntil("both jobs to complete") {
            let all = try jobs(folder)
            return all.count == 2 && all.allSatisfy { $0.state == .completed }
        }
        try await waitForSettledScans(daemon, after: DropScans(daemon).all.count)
        daemon.signal(SIGTERM)
        #expect(await daemon.wait() == 0, "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("watching drop folder"), "no inotify watch was set up")
        #expect(try jobs(folder).count == 2)
        #expect(sim.simulator.stats.received == first.ids.count + second.ids.count)
    }

    @Test("folder settings from the config, sidecar overrides, and symlinks out of the folder refused")
    func settingsAndSymlinks() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let inbox = folder.path + "/urgent"
        let outside = folder.path + "/elsewhere"
        for path in [inbox, outside] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        let config = """
            {"endpoints": {"sim": {"type": "openai", "url": "\(sim.baseURL)/v1"},
                           "other": {"type": "openai", "url": "\(sim.baseURL)/v1"}},
             "default_endpoint": "sim",
             "watch": {"quiet_seconds": 0.3, "poll_seconds": 0.3,
                       "folders": [{"path": "\(inbox)", "endpoint": "sim", "priority": 3, "concurrency": 2}]}}
            """
        try config.write(toFile: folder.path + "/config.json", atomically: true, encoding: .utf8)
        // Present before the daemon starts: found by the scan at start.
        try lines("plain", count: 3).text.write(
            toFile: inbox + "/plain.jsonl", atomically: true, encoding: .utf8)
        try #"{"endpoint": "other", "priority": 9}"#.write(
            toFile: inbox + "/special.job.json", atomically: true, encoding: .utf8)
        try lines("special", count: 3).text.write(
            toFile: inbox + "/special.jsonl", atomically: true, encoding: .utf8)
        try "priority = 1\nconcurrency = 5\n".write(
            toFile: inbox + "/tomly.job.toml", atomically: true, encoding: .utf8)
        try lines("tomly", count: 3).text.write(
            toFile: inbox + "/tomly.jsonl", atomically: true, encoding: .utf8)
        try lines("secret", count: 3).text.write(
            toFile: outside + "/secret.jsonl", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: inbox + "/link.jsonl", withDestinationPath: outside + "/secret.jsonl")

        let daemon = try ChildProcess(
            Binaries.batchd,
            [
                "--database", folder.database, "--config", folder.path + "/config.json", "--poll-interval",
                "0.1", "--log-level", "debug",
            ],
            environment: [:], folder: folder.path)
        defer { stopIfRunning(daemon) }
        try await waitUntil("three jobs to complete") {
            let all = try jobs(folder)
            return all.count >= 3 && all.allSatisfy { $0.state == .completed }
        }
        // The symlink and the outputs were seen by the scans for longer than the quiet period.
        try await waitForSettledScans(daemon, after: DropScans(daemon).all.count)
        daemon.signal(SIGTERM)
        #expect(await daemon.wait() == 0, "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("stopped on an error"), "\(daemon.stderr)")

        let plain = try #require(try job(folder, input: "plain.jsonl"))
        #expect(plain.endpoint == "sim" && plain.priority == 3 && plain.settings.concurrency == 2)
        let special = try #require(try job(folder, input: "special.jsonl"))
        #expect(special.endpoint == "other" && special.priority == 9 && special.settings.concurrency == 2)
        let tomly = try #require(try job(folder, input: "tomly.jsonl"))
        #expect(tomly.endpoint == "sim" && tomly.priority == 1 && tomly.settings.concurrency == 5)
        #expect(try jobs(folder).count == 3, "the symlink to a file outside the folder is not a job")
        #expect(!FileManager.default.fileExists(atPath: outside + "/secret.results.jsonl"))
        let refusals =
            daemon.stderr.components(separatedBy: "symlink target outside the drop folder").count - 1
        #expect(refusals == 1, "refused with one clear log line: \(daemon.stderr)")
    }
}

/// The full scans of its drop folders a daemon finished, from its `drop folders scanned` debug
/// log lines (`--log-level debug`), in order.
struct DropScans {
    struct Scan: Equatable {
        var number: Int
        /// Inputs not taken yet whose writer the watcher found and has not since found gone.
        var writing: Int
    }

    var all: [Scan]

    init(_ daemon: ChildProcess) {
        all = daemon.stderr.split(separator: "\n").compactMap { line -> Scan? in
            guard line.contains("drop folders scanned"),
                let number = line.firstMatch(of: /\bscan=(\d+)/).flatMap({ Int($0.1) }),
                let writing = line.firstMatch(of: /\bwriting=(\d+)/).flatMap({ Int($0.1) })
            else { return nil }
            return Scan(number: number, writing: writing)
        }
    }
}

/// Waits until `daemon` has finished four full scans more than the `count` it had finished when
/// the caller last changed the folder (or saw a job finish), and returns the last of them.
///
/// Scans start at least the rescan interval apart, which is at least the quiet period. Scan
/// `count + 1` may have begun before the change; `count + 2` began after it and looked at every
/// file; `count + 4` began at least one rescan interval after `count + 2` had looked. So when
/// the last one is logged, every file present and unchanged since the change has been unchanged
/// for a whole quiet period at a look, and was taken during that look if the watcher would ever
/// take it: whatever is not a job then, the watcher did not take on time or quiet grounds.
@discardableResult
func waitForSettledScans(_ daemon: ChildProcess, after count: Int) async throws -> DropScans.Scan {
    try await waitUntil("four more scans of the drop folders than \(count)") {
        DropScans(daemon).all.count >= count + 4
    }
    let scans = DropScans(daemon).all
    #expect(scans.map(\.number) == Array(1...scans.count), "every scan logged, in order")
    return scans[count + 3]
}

/// Kills a daemon a failed test left running, so it does not outlive the test.
func stopIfRunning(_ child: ChildProcess) {
    if child.process.isRunning { child.signal(SIGKILL) }
}
