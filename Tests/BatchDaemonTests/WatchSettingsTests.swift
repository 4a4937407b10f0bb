import BatchConfig
import BatchCore
import BatchDaemon
import BatchEngine
import Foundation
import Testing

@Suite("drop folder: folder settings and sidecars")
struct WatchSettingsTests {
    @Test("the config file's watch section is decoded; --watch adds folders with default settings")
    func configuration() throws {
        let json = """
            {"endpoints": {}, "watch": {"quiet_seconds": 2.5, "poll_seconds": 1,
              "folders": [{"path": "/srv/in", "endpoint": "east", "priority": 3, "concurrency": 8}]}}
            """
        let file = try ConfigFile.decode(Data(json.utf8), path: "config.json")
        let watch = WatchConfiguration(
            file: file, extraFolders: ["/srv/in", "/srv/other"], quietSeconds: nil)
        #expect(watch.quietPeriod == .milliseconds(2500))
        #expect(watch.pollInterval == .seconds(1))
        #expect(
            watch.folders == [
                WatchedFolder(
                    path: "/srv/in", settings: JobSettings(endpoint: "east", priority: 3, concurrency: 8)),
                WatchedFolder(path: "/srv/other"),
            ])
        let overridden = WatchConfiguration(file: file, extraFolders: [], quietSeconds: 0.2)
        #expect(overridden.quietPeriod == .milliseconds(200))
    }

    @Test("without a watch section there are no folders and the defaults apply")
    func defaults() {
        let watch = WatchConfiguration(file: ConfigFile(), extraFolders: [], quietSeconds: nil)
        #expect(watch.folders.isEmpty)
        #expect(watch.quietPeriod == WatchConfiguration.defaultQuietPeriod)
    }

    @Test("a JSON sidecar overrides the folder's settings field by field")
    func jsonSidecar() throws {
        let folder = WatchedFolder(
            path: "/srv/in",
            settings: JobSettings(endpoint: "east", priority: 3, concurrency: 8, maxAttempts: 5))
        let sidecar = try JobSidecar.decode(
            #"{"priority": 9, "max_attempts": 2, "rpm": 600, "tpm": 90000}"#, path: "a.job.json")
        #expect(
            folder.settings(with: sidecar)
                == JobSettings(
                    endpoint: "east", priority: 9, concurrency: 8, rpm: 600, tpm: 90000, maxAttempts: 2))
        #expect(folder.settings(with: nil).priority == 3)
    }

    @Test("a TOML sidecar takes the same keys")
    func tomlSidecar() throws {
        let text = """
            # nightly run
            endpoint = "west"   # the second region
            priority = -2
            concurrency = 4
            rpm = 120
            tpm = 40000
            request_timeout_seconds = 30.5
            """
        let sidecar = try JobSidecar.decode(text, path: "a.job.toml")
        #expect(
            sidecar
                == JobSettings(
                    endpoint: "west", priority: -2, concurrency: 4, rpm: 120, tpm: 40000,
                    requestTimeoutSeconds: 30.5))
    }

    @Test(
        "a bad sidecar is an error naming the file",
        arguments: [
            ("a.job.toml", "priority = high"), ("a.job.toml", "colour = \"red\""), ("a.job.toml", "[table]"),
            ("a.job.json", "{\"priority\": \"high\"}"), ("a.job.json", "not json"),
            ("a.job.json", "{\"concurency\": 3}"), ("a.job.json", "{\"rpm\": 0}"),
        ])
    func badSidecar(path: String, text: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try JobSidecar.decode(text, path: path) }
        #expect(error.message.hasPrefix(path))
    }
}
