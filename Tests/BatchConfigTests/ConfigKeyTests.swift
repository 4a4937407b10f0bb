import BatchConfig
import BatchCore
import Foundation
import Testing

/// Unknown keys are errors naming their path and the nearest known key (issue 13, defect e).
@Suite("configuration keys")
struct ConfigKeyTests {
    static func error(_ json: String) throws -> String {
        try #require(throws: ConfigurationError.self) {
            try ConfigFile.decode(Data(json.utf8), path: "config.json")
        }.message
    }

    @Test(
        "an unknown key names its path and the nearest known key",
        arguments: [
            (
                #"{"endpoints": {"local": {"type": "openai", "url": "http://127.0.0.1:1/v1", "concurency": 3}}}"#,
                "config.json: endpoints.local.concurency: unknown key (did you mean concurrency?)"
            ),
            (#"{"max_attemps": 3}"#, "config.json: max_attemps: unknown key (did you mean max_attempts?)"),
            (
                #"{"endpoints": {"e": {"type": "openai", "url": "http://127.0.0.1:1/v1", "deployments": {"m": {"tmp": 5}}}}}"#,
                "config.json: endpoints.e.deployments.m.tmp: unknown key (did you mean tpm?)"
            ),
            (
                #"{"watch": {"folders": [{"path": "/srv/in", "priorty": 2}]}}"#,
                "config.json: watch.folders[0].priorty: unknown key (did you mean priority?)"
            ),
            (
                #"{"watch": {"quiet_second": 2}}"#,
                "config.json: watch.quiet_second: unknown key (did you mean quiet_seconds?)"
            ),
        ])
    func unknownKey(json: String, message: String) throws {
        #expect(try Self.error(json) == message)
    }

    @Test("a key far from every known one lists the known keys")
    func farKey() throws {
        let message = try Self.error(#"{"watch": {"colour": "red"}}"#)
        #expect(
            message
                == "config.json: watch.colour: unknown key (known here: folders, poll_seconds, quiet_seconds)"
        )
    }

    @Test("a job's key where it does not apply says where it belongs")
    func misplacedKey() throws {
        let message = try Self.error(
            #"{"endpoints": {"e": {"type": "openai", "url": "http://127.0.0.1:1/v1", "priority": 2}}}"#)
        #expect(message.hasPrefix("config.json: endpoints.e.priority: priority cannot be set here"))
    }

    @Test("the same keys at every level: rpm and tpm at the top level, an endpoint and a folder")
    func sameKeysEverywhere() throws {
        let file = try ConfigFile.decode(
            Data(
                #"""
                {"rpm": 10, "tpm": 20, "endpoint": "e",
                 "endpoints": {"e": {"type": "openai", "url": "http://127.0.0.1:1/v1", "rpm": 30, "max_attempts": 2}},
                 "watch": {"folders": [{"path": "/srv/in", "rpm": 40, "tpm": 50, "priority": 1}]}}
                """#.utf8), path: "config.json")
        #expect(file.settings == JobSettings(endpoint: "e", rpm: 10, tpm: 20))
        #expect(file.endpoints["e"]?.settings == JobSettings(rpm: 30, maxAttempts: 2))
        #expect(file.watch?.folders.first?.settings == JobSettings(priority: 1, rpm: 40, tpm: 50))
    }

    @Test("default_endpoint is still read as the top level's endpoint")
    func defaultEndpoint() throws {
        let file = try ConfigFile.decode(Data(#"{"default_endpoint": "e"}"#.utf8), path: "config.json")
        #expect(file.defaultEndpoint == "e")
    }

    @Test(
        "a limit below 1 at any level names its key",
        arguments: ["{\"rpm\": 0}", "{\"watch\": {\"folders\": [{\"path\": \"/x\", \"concurrency\": 0}]}}"])
    func zeroLimit(json: String) throws {
        #expect(try Self.error(json).contains("must be at least 1, not 0"))
    }
}

@Suite("the shipped example configuration")
struct ExampleConfigTests {
    @Test("systemd/config.example.json passes the key check and decodes")
    func exampleDecodes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try ConfigFile.load(path: root.appendingPathComponent("systemd/config.example.json").path)
        #expect(file.defaultEndpoint != nil)
        #expect(file.watch?.folders.count == 3)
    }
}

/// The config file's `prices`: entries over the shipped table, checked like every other key.
@Suite("configuration prices")
struct ConfigPricesTests {
    @Test("an alias and a price of its own extend the shipped table")
    func pricesExtendTheTable() throws {
        let file = try ConfigFile.decode(
            Data(
                #"""
                {"prices": {"east-mini": "gpt-4o-mini",
                            "my-ft": {"live": {"input": 3, "output": 12}, "date": "2026-01-02"}}}
                """#.utf8), path: "config.json")
        let prices = Settings(file: file, environment: [:]).prices
        #expect(prices.price(of: "east-mini")?.name == "gpt-4o-mini")
        #expect(prices.price(of: "my-ft")?.price.live.output == 12)
        #expect(prices.price(of: "gpt-4o")?.price.live.input != nil, "the shipped entries stay")
    }

    @Test("a misspelt rate is an unknown key; a negative rate is refused")
    func badPrices() throws {
        #expect(
            try ConfigKeyTests.error(#"{"prices": {"m": {"live": {"inptu": 1}}}}"#)
                == "config.json: prices.m.live.inptu: unknown key (did you mean input?)")
        #expect(
            try ConfigKeyTests.error(#"{"prices": {"m": {"live": {"input": -1}}}}"#)
                == "config.json: prices.m.live.input must not be negative")
    }
}

/// The answer cache's settings: `cache` (a job setting) and `cache_max_age` (the top level's).
@Suite("configuration of the answer cache")
struct ConfigCacheTests {
    @Test("cache and cache_max_age are read; the job's cache wins over the config's")
    func read() throws {
        let file = try ConfigFile.decode(
            Data(#"{"cache": "always", "cache_max_age": "12h"}"#.utf8), path: "config.json")
        let settings = Settings(file: file, environment: [:])
        #expect(settings.cacheMode(job: JobSettings()) == .always)
        #expect(settings.cacheMode(job: JobSettings(cache: .off)) == .off)
        #expect(settings.cacheMaxAge == TimeSpan(milliseconds: 12 * 3_600_000))
        let plain = Settings(file: ConfigFile(), environment: [:])
        #expect(plain.cacheMode(job: JobSettings()) == .auto)
        #expect(plain.cacheMaxAge == Settings.defaultCacheMaxAge)
    }

    @Test("a cache_max_age that is not a span is an error naming the file and the key")
    func badAge() throws {
        #expect(
            try ConfigKeyTests.error(#"{"cache_max_age": "a month"}"#)
                == #"config.json: cache_max_age: "a month" is not a span such as 30d, 12h or 90m (a whole number, then s, m, h, d or w)"#
        )
        #expect(
            try ConfigKeyTests.error(#"{"cache_max_ag": "1d"}"#)
                == "config.json: cache_max_ag: unknown key (did you mean cache_max_age?)")
    }
}
